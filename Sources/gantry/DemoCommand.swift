import ArgumentParser
import Foundation
import GantryConsole
import GantryCore
import GantryExecutor
import GantryPipeline
import GantryStore
import GantrySim

/// `gantry demo`: a simulated cluster, a demo pipeline and the console — no cluster needed.
/// Everything lives in a temporary directory that is removed at the end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try Gantry with no cluster: a simulated cluster, a demo pipeline and the live console.",
        discussion: """
        Tick the pre-deploy checklist (space), deploy to staging or production (d), approve (a), \
        watch the canary's sparklines, roll back (R). Deploy version 2.0.0-bad to production to see \
        an automatic rollback on the error rate. q quits and cleans everything up.
        """)

    @Option(help: "The theme (dark, light, high-contrast, monochrome, or a path).")
    var theme: String?

    @Flag(help: "Set up the demo, print where it is, and wait for Ctrl-C instead of opening the console.")
    var noConsole = false

    func run() async throws {
        let directory = NSTemporaryDirectory() + "gantry-demo-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var scenario = Scenario()
        scenario.namespaces = ["shop"]
        let sim: SimServer
        do { sim = try await SimServer.start(SimServer.Options(port: 0, scenario: scenario)) } catch {
            throw CLIError("the simulated cluster could not start: \(error)")
        }
        let kubeconfig = directory + "/kubeconfig"
        do { try sim.writeKubeconfig(to: kubeconfig, namespace: "shop") } catch { throw CLIError("\(error)") }
        setenv("KUBECONFIG", kubeconfig, 1)
        setenv("KUBECACHEDIR", directory + "/kube-cache", 1)

        let urls: [String: String]
        do {
            urls = try await DemoSetup.layOut(sim: sim, directory: directory)
        } catch {
            await sim.stop()
            throw CLIError("demo setup failed: \(error)")
        }
        let pipelinePath = directory + "/gantry.yaml"
        try DemoSetup.pipeline(staging: urls["staging"] ?? "", production: urls["prod"] ?? "")
            .write(toFile: pipelinePath, atomically: true, encoding: .utf8)

        let options = try StoreOptions.parse(["--file", pipelinePath])
        let pipeline = try options.loadPipeline()
        let store = try options.openWritable()
        let agent = ExecutorAgent(store: store, pipeline: pipeline, settings: ExecutorSettings(sampleInterval: 1, workingDirectory: directory))
        _ = try await ReconcileCommand.reconcile(pipeline: pipeline, store: store, actor: ExecutorSettings.defaultHolder())
        // Every environment's metrics, read each second, deploy or not: the cards stay live.
        let sampler = EnvironmentSampler(pipeline: pipeline, store: store,
                                         samples: try SQLiteSampleStore(path: SQLiteSampleStore.path(forEvents: options.storePath)),
                                         interval: 1)
        let agentTask = Task {
            let live = Task { await sampler.run() }
            await agent.run()
            live.cancel()
        }

        if noConsole {
            print("gantry demo: pipeline \(pipelinePath), store \(options.storePath), kubeconfig \(kubeconfig)")
            print("in another terminal: cd \(directory) && gantry    (Ctrl-C here stops the demo)")
            let stop = Task { try? await Task.sleep(for: .seconds(86_400 * 365)) }
            let interrupt = InterruptHandler { stop.cancel() }
            _ = await stop.result
            withExtendedLifetime(interrupt) {}
        } else {
            var console = try ConsoleCommand.parse(["--file", pipelinePath] + (theme.map { ["--theme", $0] } ?? []))
            console.storeOptions = options
            let prepared = console
            let status = await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                let thread = Thread {
                    do { try prepared.runWith(store: store, pipeline: pipeline, welcome: DemoSetup.welcome); done.resume(returning: 0) } catch {
                        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                        done.resume(returning: 1)
                    }
                }
                thread.start()
            }
            _ = status
        }
        // Stop the executor (its deploys end `cancelled`), give it two seconds, then the cluster.
        agentTask.cancel()
        _ = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await agentTask.value; return true }
            group.addTask { try? await Task.sleep(for: .seconds(2)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        await sim.stop()
        try? FileManager.default.removeItem(atPath: directory)
        print("gantry demo: stopped the simulated cluster and removed \(directory)")
        Foundation.exit(0)
    }
}

/// The demo's applications and pipeline.
enum DemoSetup {
    /// What the log panel says before the first deploy.
    static let welcome = [
        "Gantry's demo: a simulated cluster, staging (3 pods) and production (5 pods) running web 1.0.0.",
        "1. d, type 2.0.0, enter: staging gets 2.0.0 (rolling), then 15 s of verification.",
        "2. j selects production; d, tab offers recent versions, enter, type production: staging first, then the gate.",
        "3. space ticks the checklist item after item; a approves (self-approval is allowed in the demo).",
        "4. The canary goes 20% → 40% → 100% with live sparklines; R rolls back (Cancel is the default).",
        "5. H lists an environment's deploys; enter replays one event by event ([ ]).",
        "Deploy 2.0.0-bad to see a bad version caught by verification and rolled back by itself.",
    ]

    /// Creates `web` in staging (3 pods) and production (5 pods) with their Services; returns the
    /// Service URLs by cluster.
    static func layOut(sim: SimServer, directory: String) async throws -> [String: String] {
        var urls: [String: String] = [:]
        for (cluster, replicas) in [("staging", 3), ("prod", 5)] {
            try await ClusterSetup.apply(manifest(replicas: replicas), context: cluster, directory: directory)
            for _ in 0..<100 {
                if let url = sim.serviceURL(cluster: cluster, namespace: "shop", name: "web") {
                    urls[cluster] = url
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return urls
    }

    static func manifest(replicas: Int) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "127.0.0.1:5000/shop/web:1.0.0"}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """
    }

    static func pipeline(staging: String, production: String) -> String {
        """
        # The gantry demo: a rolling staging, a canary production behind a checklist and an approval.
        # Try version 2.0.0 (good), 2.0.0-bad (20% errors: rolled back by staging's 15 s verification),
        # 2.0.0-crashloop.
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: shop }
            strategy: rolling
            health: { url: "\(staging)/healthz", expect: 200 }
            verify: { for: 15s, interval: 1s }
          production:
            kube: { context: prod, namespace: shop }
            strategy: canary
            canary: { steps: [20, 40, 100], pause: 15s }
            health: { url: "\(production)/healthz", expect: 200 }
            approvals: { required: 1, allow-self: true }
        checklists:
          pre-deploy:
            - { id: tests, text: "All tests passing", verify: ["true"] }
            - { id: review, text: "Code review approved" }
            - { id: security, text: "Security scan clean" }
            - { id: backup, text: "Database backup created" }
            - { id: migrations, text: "Migrations tested on staging" }
            - { id: rollback-plan, text: "Rollback plan documented" }
            - { id: stakeholders, text: "Stakeholders notified" }
            - { id: change-request, text: "Change request approved" }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.06 }
          latency-p95: { probe: health, measure: latency-p95, warn: 0.5, critical: 1.0 }
        rollback:
          automatic: [critical-metric, failed-health, progress-deadline]
        stages:
          - { id: staging, deploy: staging, timeout: 2m }
          - { id: prod-gate, gate: [checklist:pre-deploy, approvals:production], needs: [staging] }
          - { id: production, deploy: production, needs: [prod-gate], timeout: 5m }
          - { id: watch, monitor: production, for: 30s, needs: [production] }
        """
    }
}
