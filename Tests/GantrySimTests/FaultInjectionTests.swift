import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    @Suite struct FaultInjection {
        @Test func injectedServerErrorsReachKubectl() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            var f = Faults()
            f.apiErrorRate = 1
            h.sim.setFaults(f)
            let r = await h.kubectl("get", "deployments")
            #expect(r.status == 1)
            #expect(r.stderr == "Error from server (InternalError): an error on the server (\"injected fault\") has prevented the request from succeeding\n", "\(r)")
            let version = await h.kubectl("version")
            #expect(version.status == 0, "discovery and /version stay up")
            h.sim.setFaults(Faults())
            #expect(await h.kubectl("get", "deployments").status == 0)
        }

        @Test func tooManyRequestsIsRetriedByKubectl() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("get", "deployments")  // warm the discovery cache
            var f = Faults()
            f.apiErrorRate = 1
            f.apiErrorCode = 429
            h.sim.setFaults(f)
            let started = Date()
            async let r = h.kubectl("get", "deployments")
            try await Task.sleep(nanoseconds: 1_200_000_000)
            h.sim.setFaults(Faults())
            let result = await r
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr == "No resources found in demo namespace.\n")
            #expect(Date().timeIntervalSince(started) >= 1.0, "kubectl honoured Retry-After")
        }

        @Test func slowResponsesAreSlow() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("get", "deployments")
            var f = Faults()
            f.apiDelayMs = 400
            h.sim.setFaults(f)
            let started = Date()
            let r = await h.kubectl("get", "deployments")
            #expect(r.status == 0)
            #expect(Date().timeIntervalSince(started) >= 0.4)
        }

        @Test func droppedWatchesAreSurvivedByRolloutStatus() async throws {
            var scenario = SimHarness.fastScenario()
            scenario.faults.watchDropSeconds = 0.3
            scenario.readySeconds = 0.4
            let h = try await SimHarness.start(scenario)
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 4)))
            let started = Date()
            let w = await h.kubectl("get", "deployment", "web", "-w")
            #expect(w.status == 0, "kubectl get -w ends quietly when its watch is cut: \(w)")
            #expect(Date().timeIntervalSince(started) < 4)
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            let status = await h.kubectl("rollout", "status", "deployment/web", "--timeout=30s")
            #expect(status.status == 0, "\(status)")
            #expect(status.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"))
        }

        @Test func faultsCanBeChangedThroughTheControlPath() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let body = try h.manifest("faults.json", "{\"apiErrorRate\": 0.25, \"apiErrorCode\": 429, \"apiDelayMs\": 5}")
            let put = await h.kubectl("replace", "--raw", "/sim/faults", "-f", body)
            #expect(put.status == 0, "\(put)")
            let now = try JSON.parse(try await HTTPGet.get(port: h.sim.port, path: "/sim/faults").body)
            #expect(now == ["apiErrorRate": .double(0.25), "apiErrorCode": 429, "apiDelayMs": .double(5)])
            let bad = try h.manifest("bad.json", "{\"apiErrorRate\": \"lots\"}")
            let rejected = await h.kubectl("replace", "--raw", "/sim/faults", "-f", bad)
            #expect(rejected.status == 1)
            #expect(rejected.stderr == "Error from server (BadRequest): scenario: 'faults.apiErrorRate' must be a number\n", "\(rejected)")
        }
    }
}
