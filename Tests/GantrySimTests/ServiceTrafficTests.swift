import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    @Suite struct ServiceTraffic {
        static func waitForEndpoint(_ h: SimHarness, _ name: String) async throws -> Int {
            _ = await h.eventually { h.sim.serviceURL(cluster: "staging", namespace: "demo", name: name) != nil }
            let url = try #require(h.sim.serviceURL(cluster: "staging", namespace: "demo", name: name), "service \(name) got no endpoint")
            return try #require(Int(url.split(separator: ":").last ?? ""))
        }

        @Test func canaryGetsItsShareAndItsErrors() async throws {
            var scenario = SimHarness.fastScenario()
            var canary = VersionProfile()
            canary.errorRate = 1.0
            canary.latencyMedianMs = 0.5
            canary.latencyP99Ms = 1
            var stable = VersionProfile()
            stable.latencyMedianMs = 0.5
            stable.latencyP99Ms = 1
            scenario.versions = [("web:2-canary", canary), ("web:1", stable)]
            let h = try await SimHarness.start(scenario)
            defer { Task { await h.stop() } }
            let text = SimHarness.deployment("web-stable", image: "repo/web:1", replicas: 9, labels: ["app": "web", "track": "stable"])
                + "---\n" + SimHarness.deployment("web-canary", image: "repo/web:2-canary", replicas: 1, labels: ["app": "web", "track": "canary"])
                + "---\n" + SimHarness.service("web", selector: ["app": "web"])
            let applied = await h.kubectl("apply", "-f", try h.manifest("canary.yaml", text))
            #expect(applied.status == 0, "\(applied)")
            #expect(await h.kubectl("rollout", "status", "deployment/web-stable", "--timeout=20s").status == 0)
            #expect(await h.kubectl("rollout", "status", "deployment/web-canary", "--timeout=20s").status == 0)
            let port = try await Self.waitForEndpoint(h, "web")

            var byVersion: [String: Int] = [:]
            var errorsByVersion: [String: Int] = [:]
            let total = 1000
            for _ in 0..<total {
                let r = try await HTTPGet.get(port: port, path: "/checkout")
                let v = r.headers["x-sim-version"] ?? "?"
                byVersion[v, default: 0] += 1
                if r.status == 500 { errorsByVersion[v, default: 0] += 1 }
            }
            let canaryShare = Double(byVersion["2-canary"] ?? 0) / Double(total)
            #expect(canaryShare > 0.05 && canaryShare < 0.16, "1 of 10 pods should get ~10%: \(byVersion)")
            #expect(errorsByVersion["1"] == nil, "stable answers without errors: \(errorsByVersion)")
            #expect(errorsByVersion["2-canary"] == byVersion["2-canary"], "the canary fails every request")

            let metrics = h.sim.metrics.render()
            #expect(metrics.contains("http_requests_total{cluster=\"staging\",namespace=\"demo\",service=\"web\",version=\"2-canary\",code=\"500\"} \(byVersion["2-canary"] ?? 0)\n"), "\(metrics)")
            #expect(metrics.contains("http_request_duration_seconds_count{cluster=\"staging\",namespace=\"demo\",service=\"web\",version=\"1\"} \(byVersion["1"] ?? 0)\n"))
            let endpoints = try JSON.parse(String(contentsOfFile: h.dir + "/sim-endpoints.json", encoding: .utf8))
            #expect(endpoints["clusters"]["staging"]["services"]["demo/web"] == .string("http://127.0.0.1:\(port)"))
            #expect(endpoints["api"] == .string(h.sim.baseURL))
        }

        @Test func blueGreenSelectorSwitchMovesTrafficAtOnce() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let text = SimHarness.deployment("web-blue", image: "repo/web:blue-1", replicas: 2, labels: ["app": "web", "color": "blue"])
                + "---\n" + SimHarness.deployment("web-green", image: "repo/web:green-2", replicas: 2, labels: ["app": "web", "color": "green"])
                + "---\n" + SimHarness.service("web", selector: ["app": "web", "color": "blue"])
            _ = await h.kubectl("apply", "-f", try h.manifest("bg.yaml", text))
            #expect(await h.kubectl("rollout", "status", "deployment/web-blue", "--timeout=20s").status == 0)
            #expect(await h.kubectl("rollout", "status", "deployment/web-green", "--timeout=20s").status == 0)
            let port = try await Self.waitForEndpoint(h, "web")
            for _ in 0..<20 {
                let r = try await HTTPGet.get(port: port)
                #expect(r.status == 200)
                #expect(r.headers["x-sim-version"] == "blue-1")
            }
            let health = try await HTTPGet.get(port: port, path: "/healthz")
            #expect(health.status == 200)
            #expect(try JSON.parse(health.body)["version"] == "blue-1")
            let patch = await h.kubectl("patch", "service", "web", "-p", "{\"spec\":{\"selector\":{\"color\":\"green\"}}}")
            #expect(patch.stdout == "service/web patched\n", "\(patch)")
            for _ in 0..<20 {
                let r = try await HTTPGet.get(port: port)
                #expect(r.headers["x-sim-version"] == "green-2")
            }
            let selector = await h.kubectl("get", "svc", "web", "-o", "wide", "--no-headers")
            #expect(selector.stdout.hasSuffix("app=web,color=green\n"), "\(selector)")
        }

        @Test func serviceWithoutReadyPodsAnswers503() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("svc.yaml", SimHarness.service("lonely", selector: ["app": "nothing"])))
            let port = try await Self.waitForEndpoint(h, "lonely")
            let r = try await HTTPGet.get(port: port)
            #expect(r.status == 503)
            #expect(try JSON.parse(r.body)["error"] == "no endpoints available for service \"lonely\"")
            _ = await h.kubectl("delete", "svc", "lonely")
            let closed = await h.eventually { h.sim.serviceURL(cluster: "staging", namespace: "demo", name: "lonely") == nil }
            #expect(closed)
        }
    }
}
