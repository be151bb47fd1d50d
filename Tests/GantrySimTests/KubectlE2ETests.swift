import Foundation
import Testing
@testable import GantrySim

/// End-to-end tests: the real kubectl against the simulator. Serialized: they share two cores with kubectl.
@Suite(.serialized) struct KubectlE2ETests {}

extension KubectlE2ETests {
    @Suite struct Basics {
        @Test func versionReportsTheSimulatedServer() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let r = await h.kubectl("version")
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == "Client Version: v1.32.4-dispatcher\nKustomize Version: v5.5.0\nServer Version: v1.32.4\n")
            #expect(r.stderr == "")
        }

        @Test func getNamespacesAsTableAndJSON() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let r = await h.kubectl("get", "namespaces")
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.maskingAges == """
                NAME          STATUS   AGE
                default       Active   0s
                demo          Active   0s
                kube-system   Active   0s

                """)
            let j = await h.kubectl("get", "ns", "demo", "-o", "json")
            let obj = try JSON.parse(j.stdout)
            #expect(obj["kind"] == "Namespace")
            #expect(obj["status"]["phase"] == "Active")
            #expect(obj["metadata"]["labels"]["kubernetes.io/metadata.name"] == "demo")
        }

        @Test func notFoundIsKubectlsUsualError() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let r = await h.kubectl("get", "deployment", "nope")
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr == "Error from server (NotFound): deployments.apps \"nope\" not found\n")
            let s = await h.kubectl("get", "svc", "nope", "-n", "ghost")
            #expect(s.status == 1)
            // As on a real cluster: kubectl then looks the namespace up and reports that.
            #expect(s.stderr == "Error from server (NotFound): namespaces \"ghost\" not found\n")
            let none = await h.kubectl("get", "pods")
            #expect(none.status == 0)
            #expect(none.stderr == "No resources found in demo namespace.\n")
        }

        @Test func contextsAreSeparateClusters() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let m = try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 1))
            let a = await h.kubectl(["apply", "-f", m], context: "staging")
            #expect(a.stdout == "deployment.apps/web created\n", "\(a)")
            let prod = await h.kubectl(["get", "deploy", "web"], context: "prod")
            #expect(prod.status == 1)
            #expect(prod.stderr == "Error from server (NotFound): deployments.apps \"web\" not found\n")
        }

        @Test func malformedBodyGetsAStatusError() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let bad = try h.manifest("bad.json", "{\"metadata\": {\"name\": \"x\"}, \"spec\": [1,")
            let r = await h.kubectl("create", "--raw", "/apis/apps/v1/namespaces/demo/deployments", "-f", bad)
            #expect(r.status == 1)
            #expect(r.stderr.hasPrefix("Error from server (BadRequest): invalid JSON: unexpected end of input"), "\(r)")
        }
    }
}
