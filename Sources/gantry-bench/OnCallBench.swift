import Foundation
import GantryCore
import GantryStore

/// The two figures the people on call care about, measured for real on `gantry sim` with the real
/// kubectl and the release `gantry` binary, per strategy, over `rounds` rounds each:
///
/// - Detection: a `-bad` version (20% of its answers are 500s) is deployed with the default
///   analysis settings (a sample every 2 s, the 30 s verification window, 3 health successes,
///   the canary judged on its own traffic); background traffic hits the service every 20 ms, so
///   the first bad response comes as soon as a bad pod serves. Detection = `rollback.requested`
///   in the store minus the simulator's first 5xx of that version (`sim_first_error_timestamp_seconds`).
/// - Restore: the console runs on a pseudo-terminal beside `gantry agent`; after a good deploy,
///   `R`, Tab, Enter. From the Enter to the executor's first kubectl command (a wrapper on PATH
///   stamps each kubectl it starts), and to traffic fully back on the previous version (read from
///   the simulator's API every 10 ms: rolling — the Deployment on the old image, every replica
///   updated and available; blue-green — the Service's selector on the old colour; canary — the
///   canary at 0 replicas).
enum OnCallBench {
    struct Failure: Error, CustomStringConvertible { let description: String }

    enum Strategy: String, CaseIterable { case rolling, blueGreen = "blue-green", canary }

    static func run(rounds: Int) async {
        let only = ProcessInfo.processInfo.environment["GANTRY_BENCH_STRATEGY"]
        for strategy in Strategy.allCases where only == nil || only == strategy.rawValue {
            do {
                try measure(strategy, rounds: rounds)
            } catch {
                Bench.report("on-call, \(strategy.rawValue)", "failed: \(error)", target: "", met: false)
            }
        }
    }

    /// One simulated cluster, an app laid out for `strategy`, the kubectl wrapper.
    struct Setup {
        let directory: String
        let gantry: String
        let environment: [String: String]
        let server: String
        let metricsURL: String
        let live: String
        let preview: String
        let stampLog: String
        let sim: Process

        /// `gantry ARGS` on `file` (the detection pipeline by default), waited for.
        func gantryRun(_ arguments: [String], file: String = "gantry.yaml", allowFailure: Bool = false) throws {
            do {
                try DeployBench.command([gantry] + arguments + ["--file", directory + "/" + file], environment)
            } catch where allowFailure {}
        }

        /// `gantry ARGS` on `file`, not waited for.
        func gantryStart(_ arguments: [String], file: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: gantry)
            process.arguments = arguments + ["--file", directory + "/" + file]
            var variables = ProcessInfo.processInfo.environment
            variables.merge(environment) { _, new in new }
            process.environment = variables
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
    }

    static func measure(_ strategy: Strategy, rounds: Int) throws {
        let setup = try prepare(strategy)
        defer {
            setup.sim.terminate()
            setup.sim.waitUntilExit()
            if ProcessInfo.processInfo.environment["GANTRY_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: setup.directory) }
        }
        let traffic = Traffic(urls: [setup.live, setup.preview].filter { !$0.isEmpty })
        traffic.start()
        defer { traffic.stop() }
        let store = setup.directory + "/.gantry/events.sqlite"

        // Detection: one good version first, then a bad one per round (each rolled back to it).
        var detections: [Double] = []
        var caughtBy: [String: Int] = [:]
        try setup.gantryRun(["deploy", "production", "--version", "1.1.0", "--headless"])
        for round in 1...rounds {
            let bad = "1.\(round).1-bad"
            try setup.gantryRun(["deploy", "production", "--version", bad, "--headless"], allowFailure: true)
            guard let firstBad = firstError(version: bad, metricsURL: setup.metricsURL),
                  let requested = try rollbackRequested(store: store, version: bad) else {
                print("  \(strategy.rawValue) round \(round): first 5xx \(firstError(version: bad, metricsURL: setup.metricsURL).map { "\($0)" } ?? "none"), "
                      + "rollback \(try rollbackRequested(store: store, version: bad).map { "\($0.time)" } ?? "none")")
                continue
            }
            detections.append(requested.time.timeIntervalSince1970 - firstBad)
            let trigger = requested.reason.split(separator: "(").dropFirst().first?.split(separator: ")").first.map(String.init) ?? "?"
            caughtBy[trigger, default: 0] += 1
        }
        report("detection, \(strategy.rawValue)", detections, rounds: rounds,
               note: caughtBy.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))

        // Restore, from the console, on a pipeline without the verification window (what is
        // timed is the rollback): one good version, then per round a newer one and `R`. A canary
        // is rolled back during its first step's pause (30 s), as on call.
        let restore = "gantry-restore.yaml"
        try (try String(contentsOfFile: setup.directory + "/gantry.yaml", encoding: .utf8))
            .replacingOccurrences(of: "verify: { for: 30s }", with: "verify: off")
            .replacingOccurrences(of: "pause: 5s", with: "pause: 30s")
            .write(toFile: setup.directory + "/" + restore, atomically: true, encoding: .utf8)
        let previous = "2.0.0"
        try setup.gantryRun(["deploy", "production", "--version", previous, "--headless"], file: restore)
        let agent = try setup.gantryStart(["agent", "--live-interval", "0"], file: restore)
        defer { agent.terminate(); agent.waitUntilExit() }
        var toCommand: [Double] = [], toTraffic: [Double] = []
        for round in 1...rounds {
            let next = "2.\(round).1"
            var deploying: Process?
            if strategy == .canary {
                deploying = try setup.gantryStart(["deploy", "production", "--version", next, "--headless"], file: restore)
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    let canary = get(setup, "/apis/apps/v1/namespaces/web/deployments/web-canary")
                    if ((canary?["status"] as? [String: Any])?["readyReplicas"] as? Int ?? 0) > 0 { break }
                    usleep(20_000)
                }
            } else {
                _ = try? waitFinished(store: store, timeout: 30)
                try setup.gantryRun(["deploy", "production", "--version", next, "--headless"], file: restore)
            }
            let before = try readBack(strategy, setup: setup)
            let console = try PseudoTerminal(executable: setup.gantry,
                                             arguments: ["--file", setup.directory + "/" + restore, "--actor", "oncall"],
                                             columns: 120, rows: 40,
                                             environment: setup.environment.merging(ConsoleBench.environment) { a, _ in a })
            defer { console.stop() }
            guard console.waitFor("rollback → \(previous)", timeout: 15) else { throw Failure(description: "the console showed no rollback target") }
            console.waitForQuiet(0.3, timeout: 3)
            guard console.timeInput(Array("R".utf8), until: "Roll back ]", timeout: 5) != nil else {
                throw Failure(description: "no rollback dialog")
            }
            console.send(Array("\t".utf8))
            console.waitForQuiet(0.1, timeout: 2)
            let pressed = Date().timeIntervalSince1970
            console.send(Array("\r".utf8))
            // Traffic back, read from the simulator every 10 ms.
            let deadline = Date().addingTimeInterval(60)
            var back: Double?
            while Date() < deadline {
                if try isBack(strategy, previous: previous, before: before, setup: setup) {
                    back = Date().timeIntervalSince1970
                    break
                }
                usleep(10_000)
            }
            guard let back else { throw Failure(description: "traffic not back on \(previous) within 60 s") }
            if let first = firstKubectl(after: pressed, log: setup.stampLog) { toCommand.append(first - pressed) }
            toTraffic.append(back - pressed)
            // Let the executor finish recording before the next round.
            _ = try? waitFinished(store: store, timeout: 30)
            deploying?.waitUntilExit()
        }
        report("restore: R -> first kubectl, \(strategy.rawValue)", toCommand, rounds: rounds, note: "")
        report("restore: R -> traffic back, \(strategy.rawValue)", toTraffic, rounds: rounds, note: "")
    }

    static func report(_ name: String, _ values: [Double], rounds: Int, note: String) {
        guard !values.isEmpty else {
            Bench.report(name, "no round measured", target: ">= 20 rounds", met: false)
            return
        }
        let sorted = values.sorted()
        let p50 = sorted[sorted.count / 2], p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
        Bench.report(name, String(format: "p50 %.2f s, p95 %.2f s (n=%d)", p50, p95, values.count)
                     + (note.isEmpty ? "" : " · \(note)"), target: "(figure only)", met: values.count >= min(rounds, 20))
    }

    // MARK: - Setup

    static func prepare(_ strategy: Strategy) throws -> Setup {
        let gantry = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gantry").path
        guard FileManager.default.isExecutableFile(atPath: gantry) else {
            throw Failure(description: "\(gantry) is missing: build it with `swift build -c release --product gantry`")
        }
        let directory = NSTemporaryDirectory() + "gantry-oncall-\(strategy.rawValue)-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
        // kubectl as the executor finds it on PATH: stamps when each command starts, then runs it.
        let stampLog = directory + "/kubectl-stamps.log"
        try """
        #!/bin/sh
        printf '%s %s\\n' "$(date +%s.%N)" "$*" >> \(stampLog)
        exec /usr/bin/kubectl "$@"
        """.write(toFile: directory + "/bin/kubectl", atomically: true, encoding: .utf8)
        chmod(directory + "/bin/kubectl", 0o755)
        let path = directory + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let environment = ["KUBECONFIG": directory + "/kubeconfig", "KUBECACHEDIR": directory + "/kube-cache",
                           "GANTRY_ACTOR": "oncall", "PATH": path]
        let sim = try DeployBench.startSim(gantry: gantry, directory: directory, scenario:
            #"{"namespaces": ["web"], "timing": {"scheduleSeconds": 0.05, "startSeconds": 0.1, "readySeconds": 0.3, "terminateSeconds": 0.1}}"#)
        func endpoints() -> [String: Any]? {
            FileManager.default.contents(atPath: directory + "/sim-endpoints.json")
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
        let kubectl = ["/usr/bin/kubectl", "--context", "prod"]
        func apply(_ manifest: String) throws {
            let file = directory + "/manifest-\(UUID().uuidString).yaml"
            try manifest.write(toFile: file, atomically: true, encoding: .utf8)
            try DeployBench.command(kubectl + ["apply", "-f", file], environment)
        }
        func deployment(_ name: String, labels: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: web, labels: {\(labels)}}
            spec:
              replicas: \(strategy == .blueGreen ? 3 : 5)
              selector: {matchLabels: {\(labels)}}
              template:
                metadata: {labels: {\(labels)}}
                spec: {containers: [{name: web, image: "127.0.0.1:5000/shop/web:1.0.0"}]}
            """
        }
        func service(_ name: String, selector: String) -> String {
            "apiVersion: v1\nkind: Service\nmetadata: {name: \(name), namespace: web}\nspec:\n  selector: {\(selector)}\n  ports: [{port: 80}]\n"
        }
        var previewName = ""
        switch strategy {
        case .rolling:
            try apply(deployment("web", labels: "app: web"))
            try apply(service("web", selector: "app: web"))
        case .blueGreen:
            try apply(deployment("web-blue", labels: "app: web, colour: blue"))
            try apply(deployment("web-green", labels: "app: web, colour: green"))
            try apply(service("web", selector: "app: web, colour: blue"))
            try apply(service("web-preview", selector: "app: web, colour: blue"))
            previewName = "web-preview"
        case .canary:
            try apply(deployment("web", labels: "app: web"))
            try apply(service("web", selector: "app: web"))
            try apply(service("web-canary-preview", selector: "app: web, track: canary"))
            previewName = "web-canary-preview"
        }
        var live = "", preview = ""
        for _ in 0..<250 {
            let services = ((endpoints()?["clusters"] as? [String: Any])?["prod"] as? [String: Any])?["services"] as? [String: String]
            live = services?["web/web"] ?? ""
            preview = previewName.isEmpty ? "" : services?["web/\(previewName)"] ?? ""
            if !live.isEmpty, previewName.isEmpty || !preview.isEmpty { break }
            usleep(20_000)
        }
        guard !live.isEmpty, let document = endpoints(), let metricsURL = document["metrics"] as? String,
              let server = ((document["clusters"] as? [String: Any])?["prod"] as? [String: Any])?["server"] as? String else {
            throw Failure(description: "the simulator wrote no endpoints")
        }
        let environmentYAML: String = switch strategy {
        case .rolling: "strategy: rolling"
        case .blueGreen: "strategy: blue-green\n    blue-green: { service: web }\n    preview: { service: web-preview, url: \"\(preview)\" }"
        case .canary: "strategy: canary\n    canary: { steps: [20, 100], pause: 5s }\n    preview: { service: web-canary-preview, url: \"\(preview)\" }"
        }
        // The default analysis: a sample every 2 s, the 30 s verification window, 3 health successes.
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            \(environmentYAML)
            health: { url: "\(live)/healthz" }
            verify: { for: 30s }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.05 }
        stages:
          - { id: production, deploy: production }
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
        return Setup(directory: directory, gantry: gantry, environment: environment, server: server, metricsURL: metricsURL,
                     live: live, preview: preview, stampLog: stampLog, sim: sim)
    }

    // MARK: - Reading what happened

    /// The simulator's first 5xx of `version`, in unix seconds.
    static func firstError(version: String, metricsURL: String) -> Double? {
        guard let url = URL(string: metricsURL), let data = HTTPGet.data(url) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix("sim_first_error_timestamp_seconds{") && $0.contains("version=\"\(version)\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.min()
    }

    /// The `rollback.requested` of the deploy of `version`, with its time and reason.
    static func rollbackRequested(store path: String, version: String) throws -> (time: Date, reason: String)? {
        let store = try SQLiteEventStore(path: path, readOnly: true)
        defer { store.close() }
        let state = try StateSnapshot.state(of: store)
        guard let deploy = state.deploys.last(where: { $0.version == version }) else { return nil }
        for event in try store.readStream(deploy.id) {
            if case .rollbackRequested(let reason) = event.payload { return (event.time, reason) }
        }
        return nil
    }

    /// Waits until no deploy is running or rolling back.
    static func waitFinished(store path: String, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let store = try SQLiteEventStore(path: path, readOnly: true)
            let state = try StateSnapshot.state(of: store)
            store.close()
            // Finished, and the executor's lease released (a deploy asked for before that is refused).
            let now = Date()
            if !state.deploys.contains(where: { !$0.status.isFinished }),
               state.environments.values.allSatisfy({ $0.lease.map { $0.expires < now } ?? true }) { return true }
            usleep(50_000)
        }
        return false
    }

    /// The first kubectl the wrapper stamped after `time`.
    static func firstKubectl(after time: Double, log: String) -> Double? {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.flatMap { Double($0) } }
            .filter { $0 >= time }.min()
    }

    /// What "back" compares with: the colour serving before the rollback (blue-green).
    static func readBack(_ strategy: Strategy, setup: Setup) throws -> String {
        guard strategy == .blueGreen else { return "" }
        return colour(setup) ?? ""
    }

    static func isBack(_ strategy: Strategy, previous: String, before: String, setup: Setup) throws -> Bool {
        switch strategy {
        case .rolling:
            guard let deployment = get(setup, "/apis/apps/v1/namespaces/web/deployments/web") else { return false }
            let spec = deployment["spec"] as? [String: Any]
            let containers = ((spec?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
            let status = deployment["status"] as? [String: Any]
            let replicas = spec?["replicas"] as? Int ?? -1
            return (containers?.first?["image"] as? String)?.hasSuffix(":" + previous) == true
                && status?["updatedReplicas"] as? Int == replicas && status?["availableReplicas"] as? Int == replicas
                && (status?["replicas"] as? Int ?? replicas) == replicas
        case .blueGreen:
            guard let now = colour(setup) else { return false }
            return now != before
        case .canary:
            guard let canary = get(setup, "/apis/apps/v1/namespaces/web/deployments/web-canary") else { return false }
            return (canary["spec"] as? [String: Any])?["replicas"] as? Int == 0
        }
    }

    static func colour(_ setup: Setup) -> String? {
        let service = get(setup, "/api/v1/namespaces/web/services/web")
        return ((service?["spec"] as? [String: Any])?["selector"] as? [String: Any])?["colour"] as? String
    }

    static func get(_ setup: Setup, _ path: String) -> [String: Any]? {
        guard let url = URL(string: setup.server + path), let data = HTTPGet.data(url) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

/// Background traffic: each URL's `/healthz` every 20 ms, so a bad pod answers someone at once.
final class Traffic: @unchecked Sendable {
    private let urls: [String]
    private let lock = NSLock()
    private var running = false

    init(urls: [String]) { self.urls = urls }

    func start() {
        lock.withLock { running = true }
        for url in urls {
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    if let target = URL(string: url + "/healthz") { _ = HTTPGet.data(target) }
                    usleep(20_000)
                }
            }
        }
    }

    func stop() { lock.withLock { running = false } }
}
