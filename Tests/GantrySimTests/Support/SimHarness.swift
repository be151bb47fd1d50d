import Foundation
import Testing
@testable import GantrySim

/// A simulator started in-process on a free port, a kubeconfig for it and a private kubectl cache, in a temp dir.
final class SimHarness: Sendable {
    static let kubectlPath = "/usr/bin/kubectl"

    let sim: SimServer
    let dir: String
    let kubeconfig: String

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Fast timing so rollouts take a fraction of a second.
    static func fastScenario() -> Scenario {
        var s = Scenario()
        s.scheduleSeconds = 0.05
        s.startSeconds = 0.1
        s.readySeconds = 0.15
        s.terminateSeconds = 0.1
        s.crashBackoffSeconds = 0.3
        s.tickSeconds = 0.03
        s.namespaces = ["demo"]
        return s
    }

    private init(sim: SimServer, dir: String) {
        self.sim = sim
        self.dir = dir
        self.kubeconfig = dir + "/kubeconfig"
    }

    /// Starts a simulator; fails the test with a clear message when kubectl is missing.
    static func start(_ scenario: Scenario = fastScenario()) async throws -> SimHarness {
        guard FileManager.default.isExecutableFile(atPath: kubectlPath) else {
            throw Missing(description: "kubectl is required for the simulator's end-to-end tests but \(kubectlPath) is missing; install kubectl 1.32")
        }
        let dir = NSTemporaryDirectory() + "gantry-sim-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sim = try await SimServer.start(SimServer.Options(port: 0, scenario: scenario))
        let h = SimHarness(sim: sim, dir: dir)
        try sim.writeKubeconfig(to: h.kubeconfig, namespace: "demo")
        return h
    }

    /// Runs kubectl against the given context with its own cache dir.
    func kubectl(_ args: [String], context: String = "staging") async -> CommandResult {
        await CommandRunner.run(Self.kubectlPath,
                                ["--kubeconfig", kubeconfig, "--cache-dir", dir + "/cache", "--context", context] + args)
    }

    func kubectl(_ args: String..., context: String = "staging") async -> CommandResult {
        await kubectl(args, context: context)
    }

    /// Writes a manifest into the temp dir and returns its path.
    func manifest(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Polls until `condition` holds or `seconds` pass.
    func eventually(_ seconds: Double = 10, _ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(nanoseconds: 30_000_000)
        }
        return await condition()
    }

    func stop() async {
        await sim.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A deployment manifest.
    static func deployment(_ name: String, image: String, replicas: Int = 3, labels: [String: String]? = nil,
                           extraSpec: String = "") -> String {
        let l = (labels ?? ["app": name]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
              namespace: demo
              labels: {\(l)}
            spec:
              replicas: \(replicas)
              selector:
                matchLabels: {\(l)}
            \(extraSpec)
              template:
                metadata:
                  labels: {\(l)}
                spec:
                  containers:
                  - name: \(name)
                    image: \(image)
                    ports: [{containerPort: 8080}]

            """
    }

    static func service(_ name: String, selector: [String: String]) -> String {
        let l = selector.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: demo
            spec:
              selector: {\(l)}
              ports: [{port: 80, targetPort: 8080}]

            """
    }
}

extension String {
    /// Zeroes the digits of age tokens (`3s` -> `0s`, `3m2s` -> `0m0s`) in kubectl tables.
    var maskingAges: String {
        let pattern = try! NSRegularExpression(pattern: "(?<=\\s)[0-9]+[smhd][0-9smhd]*(?=\\s|$)", options: [.anchorsMatchLines])
        let ns = self as NSString
        var out = ""
        var last = 0
        for m in pattern.matches(in: self, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += String(ns.substring(with: m.range).map { $0.isNumber ? "0" : $0 })
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return out
    }
}
