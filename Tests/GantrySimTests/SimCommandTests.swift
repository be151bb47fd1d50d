import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    /// The `gantry sim` executable: prints where it listens, writes its files, stops on signals, keeps state.
    @Suite struct SimCommand {
        static func gantryBinary() throws -> String {
            if let env = ProcessInfo.processInfo.environment["GANTRY_BINARY"] { return env }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let path = root.appendingPathComponent(".build/debug/gantry").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw SimHarness.Missing(description: "the gantry executable is not built at \(path); run `swift build --product gantry` first or set GANTRY_BINARY")
            }
            return path
        }

        @Test func simCommandServesKubectlAndKeepsStateAcrossRestarts() async throws {
            let binary = try Self.gantryBinary()
            let dir = NSTemporaryDirectory() + "gantry-simcmd-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let kubeconfig = dir + "/kubeconfig"
            let args = ["sim", "--port", "0", "--kubeconfig", kubeconfig, "--state", dir + "/state.json", "--namespace", "demo"]
            func kubectl(_ a: String...) async -> CommandResult {
                await CommandRunner.run(SimHarness.kubectlPath, ["--kubeconfig", kubeconfig, "--cache-dir", dir + "/cache"] + a)
            }

            let first = RunningProcess(binary, args)
            try first.start()
            #expect(await first.waitForOutput("metrics: "), "\(first.stdout)\(first.stderr)")
            let lines = first.stdout.split(separator: "\n").map(String.init)
            let api = try #require(lines.first?.replacingOccurrences(of: "gantry sim: API server listening on ", with: ""))
            #expect(api.hasPrefix("http://127.0.0.1:"))
            #expect(lines.dropFirst().prefix(5) == ["  context staging: \(api)/clusters/staging", "  context prod: \(api)/clusters/prod",
                                                     "  kubeconfig: \(kubeconfig)", "  endpoints: \(dir)/sim-endpoints.json",
                                                     "  metrics: \(api)/metrics"])
            let contexts = await kubectl("config", "get-contexts", "-o", "name")
            #expect(contexts.stdout == "prod\nstaging\n")
            let manifest = dir + "/web.yaml"
            try (SimHarness.deployment("web", image: "repo/web:1", replicas: 2) + "---\n" + SimHarness.service("web", selector: ["app": "web"]))
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            let applied = await kubectl("apply", "-f", manifest)
            #expect(applied.stdout == "deployment.apps/web created\nservice/web created\n", "\(applied)")
            #expect(await kubectl("rollout", "status", "deployment/web", "--timeout=20s").status == 0)
            var endpoints = JSON.null
            let deadline = Date().addingTimeInterval(5)
            while endpoints["clusters"]["staging"]["services"]["demo/web"].isNull && Date() < deadline {
                endpoints = (try? JSON.parse(String(contentsOfFile: dir + "/sim-endpoints.json", encoding: .utf8))) ?? .null
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            let serviceURL = try #require(endpoints["clusters"]["staging"]["services"]["demo/web"].stringValue)
            let status = await first.stop(signal: SIGTERM)
            #expect(status == 0)
            #expect(first.stdout.hasSuffix("gantry sim: stopped (SIGTERM)\n"))

            let second = RunningProcess(binary, args)
            try second.start()
            #expect(await second.waitForOutput("metrics: "), "\(second.stdout)\(second.stderr)")
            let kept = await kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}")
            #expect(kept.stdout == "repo/web:1 1", "\(kept)")
            let ready = await kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(ready.status == 0, "\(ready)")
            let pods = await kubectl("get", "pods", "-l", "app=web", "-o", "name")
            #expect(pods.stdout.split(separator: "\n").count == 2, "the same pods come back, not new ones: \(pods)")
            var after = JSON.null
            let deadline2 = Date().addingTimeInterval(5)
            while after["clusters"]["staging"]["services"]["demo/web"].isNull && Date() < deadline2 {
                after = (try? JSON.parse(String(contentsOfFile: dir + "/sim-endpoints.json", encoding: .utf8))) ?? .null
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            #expect(after["clusters"]["staging"]["services"]["demo/web"].stringValue == serviceURL, "the service keeps its port")
            #expect(await second.stop(signal: SIGINT) == 0)
            #expect(second.stdout.hasSuffix("gantry sim: stopped (SIGINT)\n"))
        }

        @Test func badScenarioIsAClearError() async throws {
            let binary = try Self.gantryBinary()
            let dir = NSTemporaryDirectory() + "gantry-simcmd-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "{\"clusterz\": []}".write(toFile: dir + "/s.json", atomically: true, encoding: .utf8)
            let r = await CommandRunner.run(binary, ["sim", "--kubeconfig", dir + "/kc", "--scenario", dir + "/s.json"])
            #expect(r.status == 64)
            #expect(r.stderr.contains("Error: scenario: unknown key 'clusterz'"), "\(r)")
        }
    }
}
