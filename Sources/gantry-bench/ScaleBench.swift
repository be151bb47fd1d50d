import Foundation
import GantryCore
import GantryStore

/// The scale scenario of design/targets.md, run for real: `gantry sim` with 3 clusters holding
/// 1000 pods in 50 Deployments (the app's own `web` in each, and 47 others beside it), a
/// pipeline with 3 environments, a store with `deploys` past deploys of the app (about 20 events
/// each: request, claim, stages, observations, verification, log lines), `gantry agent`
/// sampling every environment, and the release console on a pseudo-terminal at 120x40:
/// the first frame, an environment switch, the history view, and the console's peak RSS.
enum ScaleBench {
    static let clusters = ["dev", "staging", "prod"]

    static func run(deploys: Int) {
        do {
            try measure(deploys: deploys)
        } catch {
            Bench.report("scale scenario", "failed: \(error)", target: "", met: false)
        }
    }

    static func measure(deploys: Int) throws {
        let gantry = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gantry").path
        let directory = NSTemporaryDirectory() + "gantry-scale-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["GANTRY_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: directory) }
        }
        let environment = ["KUBECONFIG": directory + "/kubeconfig", "KUBECACHEDIR": directory + "/kube-cache",
                           "GANTRY_ACTOR": "bench"]
        let sim = try DeployBench.startSim(gantry: gantry, directory: directory, scenario:
            #"{"clusters": ["dev", "staging", "prod"], "namespaces": ["web", "shop"], "timing": {"scheduleSeconds": 0.05, "startSeconds": 0.05, "readySeconds": 0.1}}"#)
        defer { sim.terminate(); sim.waitUntilExit() }

        // 50 Deployments, 1000 pods: `web` (20 pods) in each cluster, 47 others of 20 pods
        // (the last 20 + 0: 3 x 20 + 47 x 20 = 1000), spread over the clusters.
        var manifests: [String: String] = [:]
        func deployment(_ name: String, namespace: String, replicas: Int) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: \(namespace), labels: {app: \(name)}}
            spec:
              replicas: \(replicas)
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)}}
                spec: {containers: [{name: \(name), image: "127.0.0.1:5000/shop/\(name):1.0.0"}]}
            ---

            """
        }
        for cluster in clusters { manifests[cluster, default: ""] += deployment("web", namespace: "web", replicas: 20) }
        for index in 0..<47 {
            manifests[clusters[index % 3], default: ""] += deployment("svc-\(index)", namespace: "shop", replicas: 20)
        }
        for (cluster, text) in manifests {
            try text.write(toFile: directory + "/\(cluster).yaml", atomically: true, encoding: .utf8)
            try DeployBench.command(["/usr/bin/kubectl", "--context", cluster, "apply", "-f", directory + "/\(cluster).yaml"], environment)
        }
        var pods = 0
        for cluster in clusters {
            let json = try DeployBench.command(["/usr/bin/kubectl", "--context", cluster, "get", "pods", "-A", "-o", "json"], environment)
            pods += ((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["items"] as? [Any])?.count ?? 0
        }

        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          dev: { kube: { context: dev, namespace: web }, strategy: rolling }
          staging: { kube: { context: staging, namespace: web }, strategy: rolling, requires: [dev] }
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [20, 100], pause: 30s }
            requires: [staging]
            approvals: { required: 1 }
        checklists:
          pre-deploy:
            - { id: backup, text: "Database backup created" }
            - { id: review, text: "Code review approved" }
        metrics:
          ready: { kube: ready-replicas, critical: 1 }
        stages:
          - { id: gate, gate: [checklist:pre-deploy, approvals:production] }
          - { id: production, deploy: production, needs: [gate] }
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)

        // The store: `deploys` past deploys spread over the three environments.
        let storePath = directory + "/.gantry/events.sqlite"
        try FileManager.default.createDirectory(atPath: directory + "/.gantry", withIntermediateDirectories: true)
        let events = try writeHistory(storePath, deploys: deploys)

        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: gantry)
        agent.arguments = ["agent", "--file", directory + "/gantry.yaml"]
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        agent.environment = variables
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { agent.terminate(); agent.waitUntilExit() }
        usleep(3_000_000)  // the agent's reconcile and first samples

        // The console, twice: first with no folded-state snapshot (as after an upgrade that
        // changed its format: every event is folded, and the snapshot written), then as every
        // later start is, from the snapshot.
        for (label, round) in [("no snapshot", 0), ("snapshot", 1)] {
            if round == 0 { try? FileManager.default.removeItem(atPath: StateSnapshot.path(forStore: storePath)) }
            let started = DispatchTime.now().uptimeNanoseconds
            let console = try PseudoTerminal(executable: gantry, arguments: ["--file", directory + "/gantry.yaml", "--actor", "bench"],
                                             columns: 120, rows: 40, environment: environment.merging(ConsoleBench.environment) { a, _ in a })
            defer { console.stop() }
            // The first frame is written in one refresh: its first panel's title marks it.
            guard console.waitFor("Environments", timeout: 30) else { throw Failure(description: "no first frame") }
            let first = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            console.waitForQuiet(0.3, timeout: 5)
            let pid = console.pid
            // Environment switch: the header names the next environment's state.
            var switches: [Double] = []
            for (key, name) in [("j", "staging"), ("j", "production"), ("k", "staging"), ("k", "dev")] {
                // Only changed cells are written: the header's new name is the first of them.
                if let seconds = console.timeInput(Array(key.utf8), until: "\(name) ", timeout: 5) {
                    switches.append(seconds * 1000)
                }
                console.waitForQuiet(0.1, timeout: 2)
            }
            let history = console.timeInput(Array("H".utf8), until: "History", timeout: 10).map { $0 * 1000 }
            console.waitForQuiet(0.2, timeout: 2)
            let rss = peakRSS(pid)
            let worstSwitch = switches.max() ?? .infinity
            Bench.report("scale (\(label)): first frame", String(format: "%.0f ms", first), target: "<= 200 ms", met: first <= 200)
            Bench.report("scale (\(label)): environment switch", String(format: "max %.1f ms of %d", worstSwitch, switches.count),
                         target: "<= 50 ms", met: worstSwitch <= 50)
            Bench.report("scale (\(label)): history open", history.map { String(format: "%.1f ms", $0) } ?? "not seen",
                         target: "<= 50 ms", met: (history ?? .infinity) <= 50)
            Bench.report("scale (\(label)): console peak RSS", rss.map { String(format: "%.0f MB", Double($0) / 1024) } ?? "?",
                         target: "<= 150 MB", met: (rss ?? Int.max) <= 150 * 1024)
        }
        Bench.report("scale: the scenario", "\(pods) pods, 50 Deployments, 3 clusters, \(deploys) deploys, \(events) events",
                     target: "(figure only)", met: true)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// VmHWM of `pid`, in kB.
    static func peakRSS(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// Appends `deploys` finished deploys of web (dev, staging, production in turn; one in ten
    /// rolled back), about 20 events each, as an executor would have recorded them. Returns the
    /// number of events.
    static func writeHistory(_ path: String, deploys: Int) throws -> Int {
        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        let environments = ["dev", "staging", "production"]
        let policy = DeployPolicy(strategy: "rolling", stages: [StagePlan(id: "deploy", summary: "deploy", environment: "dev")],
                                  checklists: [], approvals: [], metrics: [MetricPlan(name: "ready", critical: 1, lowerIsWorse: true, unit: .count)])
        var batch: [PendingEvent] = []
        var total = 0
        var start = Date().addingTimeInterval(-Double(deploys) * 600)
        var counts: [String: Int] = [:]
        func flush() throws {
            guard !batch.isEmpty else { return }
            _ = try store.append(batch, expected: .any)
            total += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        for index in 0..<deploys {
            let environment = environments[index % 3]
            counts[environment, default: 0] += 1
            let version = "1.\(index / 3).0"
            let id = DeployID("\(environment)-\(version)-\(counts[environment]!)")
            let stream = DeployID.environment(environment)
            var time = start
            func add(_ deploy: DeployID, _ payload: EventPayload) {
                time = time.addingTimeInterval(2)
                batch.append(PendingEvent(time: time, actor: deploy == id ? "executor@ci:1" : "executor@ci:1", deploy: deploy, payload: payload))
            }
            batch.append(PendingEvent(time: time, actor: "alice", deploy: id,
                                      payload: .deployRequested(environment: environment, version: version, policy: policy)))
            add(stream, .environmentClaimed(environment: environment, deploy: id, version: version))
            add(id, .deployStarted)
            add(id, .stageStarted(stage: "deploy", command: ["kubectl", "--context", environment, "set", "image", "deployment/web",
                                                              "web=127.0.0.1:5000/shop/web:\(version)"]))
            for line in 0..<8 {
                add(id, .stageLogged(stage: "deploy", stream: .stdout,
                                     line: "Waiting for deployment \"web\" rollout to finish: \(line) of 20 updated replicas are available..."))
            }
            add(id, .stageProgressed(stage: "deploy", done: 20, total: 20, label: "pods ready"))
            add(id, .metricSampled(metric: "ready", value: 20))
            let live = LiveState(version: version, image: "127.0.0.1:5000/shop/web:\(version)", revision: index + 1, ready: 20, desired: 20)
            add(stream, .environmentObserved(environment: environment, cause: .deployed, live: live, deploy: id, drift: ""))
            add(id, .stageSucceeded(stage: "deploy"))
            if index % 10 == 9 {
                add(id, .rollbackRequested(reason: "requested by bob from the console"))
                add(id, .rollbackStarted(targetVersion: "", method: "kubectl rollout undo"))
                add(stream, .environmentObserved(environment: environment, cause: .rolledBack, live: live, deploy: id, drift: ""))
                add(id, .rollbackFinished(succeeded: true, version: "", reason: ""))
                add(id, .deployFinished(outcome: .rolledBack, reason: "requested by bob from the console"))
            } else {
                add(stream, .environmentVerified(environment: environment, version: version, deploy: id))
                add(id, .deployFinished(outcome: .succeeded, reason: ""))
            }
            start = time.addingTimeInterval(60)
            if batch.count >= 4000 { try flush() }
        }
        try flush()
        return total
    }
}
