import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    @Suite struct Watches {
        static func scenario() -> Scenario {
            var s = SimHarness.fastScenario()
            s.watchTimeoutSeconds = 2
            return s
        }

        @Test func singleObjectWatchStartsWithAddedThenFollowsChanges() async throws {
            let h = try await SimHarness.start(Self.scenario())
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 1)))
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            let cluster = try #require(h.sim.cluster("staging"))
            async let watched = h.kubectl("get", "deployment", "web", "-w", "--output-watch-events", "-o", "json")
            #expect(await h.eventually(5) { cluster.locked { $0.space.watcherCount } == 1 })
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            let w = await watched
            #expect(w.status == 0, "\(w)")
            let events = try w.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
            #expect(events.first?["type"] == "ADDED")
            #expect(events.first?["object"]["spec"]["template"]["spec"]["containers"].arrayValue?.first?["image"] == "repo/web:1")
            #expect(events.dropFirst().allSatisfy { $0["type"] == "MODIFIED" })
            #expect(events.contains { $0["object"]["spec"]["template"]["spec"]["containers"].arrayValue?.first?["image"] == "repo/web:2" })
            #expect(events.last?["object"]["status"]["updatedReplicas"] == 1)
        }

        @Test func listWatchPrintsTableRows() async throws {
            let h = try await SimHarness.start(Self.scenario())
            defer { Task { await h.stop() } }
            let cluster = try #require(h.sim.cluster("staging"))
            async let watched = h.kubectl("get", "deployments", "-w")
            #expect(await h.eventually(5) { cluster.locked { $0.space.watcherCount } == 1 })
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 1)))
            let w = await watched
            #expect(w.status == 0, "\(w)")
            let lines = w.stdout.maskingAges.split(separator: "\n").map(String.init)
            #expect(lines.first == "NAME   READY   UP-TO-DATE   AVAILABLE   AGE")
            #expect(lines.dropFirst().first == "web    0/1     0            0           0s", "\(w.stdout)")
            #expect(lines.last == "web    1/1     1            1           0s", "\(w.stdout)")
            #expect(w.stderr == "")
        }

        @Test func rawWatchHonoursResourceVersionAndTimeout() async throws {
            let h = try await SimHarness.start(Self.scenario())
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("a.yaml", SimHarness.deployment("a", image: "repo/a:1", replicas: 0)))
            let rv = await h.kubectl("get", "deploy", "a", "-o", "jsonpath={.metadata.resourceVersion}")
            _ = await h.kubectl("apply", "-f", try h.manifest("b.yaml", SimHarness.deployment("b", image: "repo/b:1", replicas: 0)))
            let started = Date()
            let w = await h.kubectl("get", "--raw", "/apis/apps/v1/namespaces/demo/deployments?watch=true&resourceVersion=\(rv.stdout)&timeoutSeconds=1")
            let elapsed = Date().timeIntervalSince(started)
            #expect(w.status == 0, "\(w)")
            #expect(elapsed >= 1 && elapsed < 4)
            let events = try w.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
            #expect(!events.contains { $0["object"]["metadata"]["name"] == "a" && $0["type"] == "ADDED" }, "nothing at or before the given version")
            #expect(events.first?["type"] == "ADDED")
            #expect(events.first?["object"]["metadata"]["name"] == "b")
        }

        @Test func watchesEndWhenTheClientGoes() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let cluster = try #require(h.sim.cluster("staging"))
            async let run = CommandRunner.run("/usr/bin/timeout", ["4", SimHarness.kubectlPath, "--kubeconfig", h.kubeconfig,
                                                                   "--cache-dir", h.dir + "/cache", "get", "pods", "-w"])
            let watching = await h.eventually(4) { cluster.locked { $0.space.watcherCount } == 1 }
            #expect(watching, "kubectl get -w holds one watch")
            let r = await run
            #expect(r.status == 124, "\(r)")
            let gone = await h.eventually(5) { cluster.locked { $0.space.watcherCount } == 0 }
            #expect(gone, "the server noticed the disconnect and dropped the watcher")
        }
    }
}
