import Foundation
import GantryCore
import GantryStore

/// The executor's figures, measured for real (the benchmark, not the product, runs kubectl and a
/// shell script here: they are what Gantry is compared with): `gantry sim` as the cluster, the real kubectl,
/// the release `gantry` binary beside this one.
///
/// - Overhead: the wall time of a rolling deploy through `gantry deploy --headless` against the
///   same kubectl steps (`set image`, then `rollout status`) run from a plain shell script, in
///   alternating rounds on the same deployment (medians; the simulator's 50 ms controller tick
///   makes single runs jitter by about that much).
/// - Pod ready → store: the simulator stamps each pod with the sub-second time it turned ready
///   (annotation `sim.gantry.dev/ready-at`); a subscriber in this process notes when the
///   executor's "N/M pods ready" events arrive in the store. Latency of pod k = arrival of the
///   first event with N ≥ k minus the k-th ready time.
enum DeployBench {
    static let readyAnnotation = "sim.gantry.dev/ready-at"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `readySeconds`: how long a started pod takes to turn ready (the simulator's default is 0.5 s).
    static func run(rounds: Int, replicas: Int, readySeconds: Double, latency: Bool) async {
        do {
            try await measure(rounds: rounds, replicas: replicas, readySeconds: readySeconds, latency: latency)
        } catch {
            print("deploy benchmark failed: \(error)")
            exit(1)
        }
    }

    private static func measure(rounds: Int, replicas: Int, readySeconds: Double, latency: Bool) async throws {
        let gantry = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gantry").path
        guard FileManager.default.isExecutableFile(atPath: gantry) else {
            throw Failure(description: "\(gantry) is missing: build it with `swift build -c release --product gantry`")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") else {
            throw Failure(description: "kubectl is missing (expected /usr/bin/kubectl)")
        }
        let directory = NSTemporaryDirectory() + "gantry-deploy-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["KUBECONFIG": directory + "/kubeconfig", "KUBECACHEDIR": directory + "/kube-cache",
                           "GANTRY_ACTOR": "bench"]

        // Default simulator timings: a pod is scheduled, started and ready in about a second.
        let sim = Process()
        sim.executableURL = URL(fileURLWithPath: gantry)
        try #"{"namespaces": ["web"], "timing": {"readySeconds": \#(readySeconds)}}"#.write(toFile: directory + "/scenario.json", atomically: true, encoding: .utf8)
        sim.arguments = ["sim", "--port", "0", "--kubeconfig", directory + "/kubeconfig", "--scenario", directory + "/scenario.json"]
        sim.standardOutput = FileHandle.nullDevice
        sim.standardError = FileHandle.nullDevice
        try sim.run()
        defer { sim.terminate(); sim.waitUntilExit() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: directory + "/sim-endpoints.json") {
            usleep(20_000)
        }

        let kubectl = ["/usr/bin/kubectl", "--context", "staging", "--namespace", "web"]
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: web, labels: {app: web}}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "127.0.0.1:5000/shop/web:0.0.1"}]}
        """.write(toFile: directory + "/web.yaml", atomically: true, encoding: .utf8)
        try command(["/usr/bin/kubectl", "--context", "staging", "apply", "-f", directory + "/web.yaml"], environment)
        try command(kubectl + ["rollout", "status", "deployment/web", "--timeout=120s"], environment)

        try """
        set -e
        kubectl --context staging --namespace web set image deployment/web "web=127.0.0.1:5000/shop/web:$1"
        kubectl --context staging --namespace web rollout status deployment/web --timeout=120s
        """.write(toFile: directory + "/deploy.sh", atomically: true, encoding: .utf8)
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        rollback: { automatic: [] }
        stages:
          - { id: deploy, deploy: staging }
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)

        // The store exists before the first deploy so the subscriber can open it read-only.
        let storePath = directory + "/.gantry/events.sqlite"
        try FileManager.default.createDirectory(atPath: directory + "/.gantry", withIntermediateDirectories: true)
        try SQLiteEventStore(path: storePath).close()
        let store = try SQLiteEventStore(path: storePath, readOnly: true)
        defer { store.close() }
        let arrivals = Arrivals()
        let subscriber = Task {
            for try await event in store.subscribe(after: 0) {
                if case .stageProgressed(_, let done, _, _) = event.payload {
                    arrivals.add(deploy: event.deploy.rawValue, done: done, at: Date().timeIntervalSince1970)
                }
            }
        }
        defer { subscriber.cancel() }

        var shellTimes: [Double] = []
        var gantryTimes: [Double] = []
        var latencies: [Double] = []
        for round in 1...rounds {
            // Alternate which goes first, so neither always follows the other's settling pods.
            let shell = { shellTimes.append(try timed { try command(["/bin/sh", directory + "/deploy.sh", "1.\(round).0"], environment) }) }
            let version = "2.\(round).0"
            if round % 2 == 1 { try shell() }
            gantryTimes.append(try timed {
                try command([gantry, "deploy", "staging", "--version", version, "--headless", "--file", directory + "/gantry.yaml"],
                        environment)
            })
            usleep(100_000)  // the subscriber's last events
            // Read the pods before the next rollout replaces them.
            let pods = try command(kubectl + ["get", "pods", "-l", "app=web", "-o", "json"], environment)
            if round % 2 == 0 { try shell() }
            let readyTimes = try readyTimes(podsJSON: pods, tag: version)
            let seen = arrivals.of(deploy: "staging-\(version)-\(round)")
            for (k, readyAt) in readyTimes.enumerated() {
                guard let arrival = seen.first(where: { $0.done >= k + 1 }) else { continue }
                latencies.append(arrival.at - readyAt)
            }
        }

        let shell = median(shellTimes), through = median(gantryTimes)
        let overhead = (through - shell) / shell * 100
        let name = "rolling deploy, \(replicas) pods, ready \(readySeconds)s"
        Bench.report("\(name): shell", String(format: "%.2f s (median of %d)", shell, rounds),
                     target: "(baseline)", met: true)
        Bench.report("\(name): gantry", String(format: "%.2f s (%+.1f%%, %+.0f ms)", through, overhead, (through - shell) * 1000),
                     target: "<= 3% overhead", met: overhead <= 3)
        guard latency else { return }
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { throw Failure(description: "no pod-ready latencies were measured") }
        let p50 = sorted[sorted.count / 2] * 1000
        let p95 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))] * 1000
        Bench.report("pod ready -> event in store (\(sorted.count) pods)", String(format: "p50 %.0f ms, p95 %.0f ms", p50, p95),
                     target: "p95 <= 250 ms", met: p95 <= 250)
    }

    /// Ready times of the pods running `tag`, sorted.
    private static func readyTimes(podsJSON: String, tag: String) throws -> [Double] {
        guard let object = try JSONSerialization.jsonObject(with: Data(podsJSON.utf8)) as? [String: Any],
              let items = object["items"] as? [[String: Any]] else { throw Failure(description: "kubectl get pods: not a list") }
        return items.compactMap { pod -> Double? in
            let spec = pod["spec"] as? [String: Any]
            let image = ((spec?["containers"] as? [[String: Any]])?.first?["image"] as? String) ?? ""
            let annotations = (pod["metadata"] as? [String: Any])?["annotations"] as? [String: Any]
            guard image.hasSuffix(":" + tag), let stamp = annotations?[readyAnnotation] as? String else { return nil }
            return Double(stamp)
        }.sorted()
    }

    @discardableResult
    static func command(_ argv: [String], _ environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        process.environment = variables
        let output = Pipe()
        process.standardOutput = output
        // Errors go to a file (a second pipe could fill while stdout is read).
        let errors = NSTemporaryDirectory() + "gantry-bench-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errors) }
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            let said = (text + String(decoding: data, as: UTF8.self)).split(separator: "\n").suffix(2).joined(separator: " / ")
            throw Failure(description: "`\(argv.joined(separator: " "))` exited with \(process.terminationStatus): \(said)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func timed(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// `gantry sim` with `scenario` (JSON) in `directory` (kubeconfig and endpoints file there),
    /// started and waited for until it wrote its endpoints.
    static func startSim(gantry: String, directory: String, scenario: String) throws -> Process {
        try scenario.write(toFile: directory + "/scenario.json", atomically: true, encoding: .utf8)
        let sim = Process()
        sim.executableURL = URL(fileURLWithPath: gantry)
        sim.arguments = ["sim", "--port", "0", "--kubeconfig", directory + "/kubeconfig", "--scenario", directory + "/scenario.json"]
        sim.standardOutput = FileHandle.nullDevice
        sim.standardError = FileHandle.nullDevice
        try sim.run()
        for _ in 0..<250 where !FileManager.default.fileExists(atPath: directory + "/sim-endpoints.json") { usleep(20_000) }
        return sim
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// Progress events as the subscriber saw them arrive.
final class Arrivals: @unchecked Sendable {
    struct Arrival { let done: Int; let at: Double }
    private let lock = NSLock()
    private var byDeploy: [String: [Arrival]] = [:]

    func add(deploy: String, done: Int, at: Double) {
        lock.withLock { byDeploy[deploy, default: []].append(Arrival(done: done, at: at)) }
    }

    func of(deploy: String) -> [Arrival] { lock.withLock { byDeploy[deploy] ?? [] } }
}
