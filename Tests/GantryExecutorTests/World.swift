import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// An end-to-end world: `gantry sim` running as its own process on 127.0.0.1, a kubeconfig and a
/// private kubectl cache, a pipeline file and a store in a temporary directory. Everything is run
/// for real: the `gantry` binary, `kubectl`, HTTP probes. Stopped by PID at the end.
final class World {
    let directory: String
    let kubeconfig: String
    private let sim: Process
    /// The simulator's pid (SIGSTOP makes a hung API server).
    var simPID: Int32 { sim.processIdentifier }
    var environment: [String: String]

    static let kubectl = "/usr/bin/kubectl"

    init(scenario: String = World.fastScenario) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.kubectl) else {
            throw Failure("kubectl is required by the executor's end-to-end tests but \(Self.kubectl) is missing")
        }
        directory = NSTemporaryDirectory() + "gantry-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        kubeconfig = directory + "/kubeconfig"
        try scenario.write(toFile: directory + "/scenario.json", atomically: true, encoding: .utf8)
        environment = ["KUBECONFIG": kubeconfig, "KUBECACHEDIR": directory + "/kube-cache", "GANTRY_ACTOR": "alice"]
        sim = Process()
        sim.executableURL = URL(fileURLWithPath: BuiltBinary.path("gantry"))
        sim.arguments = ["sim", "--port", "0", "--kubeconfig", kubeconfig, "--scenario", directory + "/scenario.json"]
        sim.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        sim.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try sim.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: directory + "/sim-endpoints.json") {
            guard Date() < deadline else { throw Failure("gantry sim did not start within 10 s") }
            usleep(20_000)
        }
    }

    private var adopted: [Int32] = []

    /// A background process to kill (by PID) when the world ends.
    func adopt(_ pid: Int32) { adopted.append(pid) }

    deinit {
        for pid in adopted { kill(pid, SIGKILL) }
        if sim.isRunning {
            sim.terminate()
            sim.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Timings fast enough for tests: pods ready in a fraction of a second.
    static let fastScenario = """
    {"namespaces": ["web"], "timing": {"scheduleSeconds": 0.05, "startSeconds": 0.1, "readySeconds": 0.2,
     "terminateSeconds": 0.1, "crashBackoffSeconds": 0.3}}
    """

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: - Tools

    @discardableResult
    func kubectl(_ arguments: String...) throws -> BuiltBinary.Result {
        try BuiltBinary.runPath(Self.kubectl, arguments, environment: environment)
    }

    func gantry(_ arguments: String...) throws -> BuiltBinary.Result {
        try BuiltBinary.run("gantry", arguments, environment: environment, directory: directory)
    }

    /// Applies a deployment `web` (and its service) with `replicas` on `context`, waits for it.
    func createApp(context: String, replicas: Int = 3, image: String = "127.0.0.1:5000/shop/web:1.0.0",
                   name: String = "web", labels: String = "app: web", progressDeadline: Int = 600) throws {
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: web, labels: {\(labels)}}
        spec:
          replicas: \(replicas)
          progressDeadlineSeconds: \(progressDeadline)
          selector: {matchLabels: {\(labels)}}
          template:
            metadata: {labels: {\(labels)}}
            spec:
              containers: [{name: web, image: "\(image)"}]
        """
        let path = directory + "/\(name)-\(context).yaml"
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let applied = try kubectl("--context", context, "apply", "-f", path)
        guard applied.status == 0 else { throw Failure("kubectl apply failed: \(applied.stderr)") }
        let rolled = try kubectl("--context", context, "-n", "web", "rollout", "status", "deployment/\(name)", "--timeout=20s")
        guard rolled.status == 0 else { throw Failure("rollout of \(name) failed: \(rolled.stdout)\(rolled.stderr)") }
    }

    func createService(context: String, selector: String = "app: web", name: String = "web") throws {
        let path = directory + "/service-\(name)-\(context).yaml"
        try """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: web}
        spec:
          selector: {\(selector)}
          ports: [{port: 80}]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let applied = try kubectl("--context", context, "apply", "-f", path)
        guard applied.status == 0 else { throw Failure("kubectl apply failed: \(applied.stderr)") }
    }

    /// The loopback address of service `web/web` in `context`, from the simulator's endpoints file.
    func serviceURL(context: String, name: String = "web") throws -> String {
        for _ in 0..<100 {
            if let data = FileManager.default.contents(atPath: directory + "/sim-endpoints.json"),
               let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
               let clusters = object["clusters"] as? [String: Any],
               let cluster = clusters[context] as? [String: Any],
               let services = cluster["services"] as? [String: String], let url = services["web/\(name)"] {
                return url
            }
            usleep(20_000)
        }
        throw Failure("no endpoint for service web/\(name) in \(context)")
    }

    func writePipeline(_ text: String) throws {
        try text.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
    }

    /// The folded store.
    func state() throws -> GantryState {
        let store = try SQLiteEventStore(path: directory + "/.gantry/events.sqlite", readOnly: true)
        defer { store.close() }
        var state = GantryState()
        try store.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
        return state
    }

    /// The image of deployment `name` in `context`.
    func image(_ name: String = "web", context: String) throws -> String {
        try kubectl("--context", context, "-n", "web", "get", "deployment", name, "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}").stdout
    }

    /// Waits until `condition` holds (polling the store file: the test is the observer here).
    /// Starts `gantry agent ARGUMENTS` in the world's directory, its output discarded; the
    /// caller terminates it.
    func startAgent(_ arguments: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path("gantry"))
        process.arguments = ["agent"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            usleep(50_000)
        }
        return try condition()
    }
}
