import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    @Suite struct Writes {
        @Test func applyCreatesConfiguresAndLeavesUnchanged() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let text = SimHarness.deployment("web", image: "repo/web:1") + "---\n" + SimHarness.service("web", selector: ["app": "web"])
            let m = try h.manifest("web.yaml", text)
            let created = await h.kubectl("apply", "-f", m)
            #expect(created.status == 0, "\(created)")
            #expect(created.stdout == "deployment.apps/web created\nservice/web created\n")
            let again = await h.kubectl("apply", "-f", m)
            #expect(again.stdout == "deployment.apps/web unchanged\nservice/web unchanged\n", "\(again)")
            _ = try h.manifest("web.yaml", text.replacingOccurrences(of: "replicas: 3", with: "replicas: 4"))
            let changed = await h.kubectl("apply", "-f", m)
            #expect(changed.stdout == "deployment.apps/web configured\nservice/web unchanged\n", "\(changed)")
            let replicas = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}")
            #expect(replicas.stdout == "4 2")
        }

        @Test func serverSideApplyCreatesThenUpdates() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let m = try h.manifest("api.yaml", SimHarness.deployment("api", image: "repo/api:1", replicas: 2))
            let first = await h.kubectl("apply", "--server-side", "-f", m)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "deployment.apps/api serverside-applied\n")
            _ = try h.manifest("api.yaml", SimHarness.deployment("api", image: "repo/api:2", replicas: 2))
            let second = await h.kubectl("apply", "--server-side", "-f", m)
            #expect(second.stdout == "deployment.apps/api serverside-applied\n", "\(second)")
            let image = await h.kubectl("get", "deploy", "api", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
            #expect(image.stdout == "repo/api:2")
        }

        @Test func setImageScalePatchAndDelete() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let text = SimHarness.deployment("web", image: "repo/web:1") + "---\n" + SimHarness.service("web", selector: ["app": "web"])
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", text))

            let set = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            #expect(set.stdout == "deployment.apps/web image updated\n", "\(set)")
            let image = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}")
            #expect(image.stdout == "repo/web:2 8080", "containers merged by name keep their other fields")

            let scaled = await h.kubectl("scale", "deployment/web", "--replicas=5")
            #expect(scaled.stdout == "deployment.apps/web scaled\n", "\(scaled)")
            let five = await h.eventually {
                await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}").stdout == "5"
            }
            #expect(five)

            let strategic = await h.kubectl("patch", "service", "web", "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}")
            #expect(strategic.stdout == "service/web patched\n", "\(strategic)")
            let noChange = await h.kubectl("patch", "service", "web", "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}")
            #expect(noChange.stdout == "service/web patched (no change)\n", "\(noChange)")
            let merge = await h.kubectl("patch", "deployment", "web", "--type=merge", "-p", "{\"spec\":{\"replicas\":2}}")
            #expect(merge.stdout == "deployment.apps/web patched\n", "\(merge)")
            let json = await h.kubectl("patch", "deployment", "web", "--type=json",
                                       "-p", "[{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"blue\"}]")
            #expect(json.stdout == "deployment.apps/web patched\n", "\(json)")
            let badJSONPatch = await h.kubectl("patch", "deployment", "web", "--type=json",
                                               "-p", "[{\"op\":\"replace\",\"path\":\"/spec/nope/x\",\"value\":1}]")
            #expect(badJSONPatch.status == 1)
            #expect(badJSONPatch.stderr.hasPrefix("Error from server (BadRequest): json patch: path not found"), "\(badJSONPatch)")
            let labels = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.metadata.labels.team} {.spec.replicas}")
            #expect(labels.stdout == "blue 2")

            let deleted = await h.kubectl("delete", "deployment", "web")
            #expect(deleted.stdout == "deployment.apps \"web\" deleted\n", "\(deleted)")
            let gone = await h.kubectl("get", "deployment", "web")
            #expect(gone.status == 1)
            #expect(gone.stderr == "Error from server (NotFound): deployments.apps \"web\" not found\n")
            let rsGone = await h.eventually {
                await h.kubectl("get", "rs,pods", "-l", "app=web", "-o", "name").stdout == ""
            }
            #expect(rsGone, "replica sets and pods go with their deployment")
        }

        @Test func typedCreateCommandsSendProtobufAndWork() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let ns = await h.kubectl("create", "namespace", "shop")
            #expect(ns.stdout == "namespace/shop created\n", "\(ns)")
            let d = await h.kubectl("-n", "shop", "create", "deployment", "web", "--image=repo/web:1", "--replicas=3", "--port=8080")
            #expect(d.stdout == "deployment.apps/web created\n", "\(d)")
            let e = await h.kubectl("-n", "shop", "expose", "deployment", "web", "--port=80", "--target-port=8080")
            #expect(e.stdout == "service/web exposed\n", "\(e)")
            let np = await h.kubectl("-n", "shop", "create", "service", "nodeport", "np", "--tcp=80:8080")
            #expect(np.stdout == "service/np created\n", "\(np)")
            #expect(await h.kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=20s").status == 0)
            let spec = await h.kubectl("-n", "shop", "get", "deploy", "web", "-o",
                                       "jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}")
            #expect(spec.stdout == "3 web repo/web:1 8080", "\(spec)")
            let svc = await h.kubectl("-n", "shop", "get", "svc", "web", "-o", "jsonpath={.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}")
            #expect(svc.stdout == "web 80 8080", "\(svc)")
        }

        @Test func loadBalancerAndNodePortServices() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let lb = SimHarness.service("front", selector: ["app": "front"]).replacingOccurrences(of: "spec:\n", with: "spec:\n  type: LoadBalancer\n")
            let applied = await h.kubectl("apply", "-f", try h.manifest("lb.yaml", lb))
            #expect(applied.stdout == "service/front created\n", "\(applied)")
            let svc = await h.kubectl("get", "svc", "front", "-o", "jsonpath={.spec.type} {.status.loadBalancer.ingress[0].ip} {.spec.ports[0].nodePort}")
            let parts = svc.stdout.split(separator: " ")
            #expect(parts.count == 3 && parts[0] == "LoadBalancer" && parts[1] == "127.0.0.1", "\(svc)")
            #expect(Int(parts.last ?? "").map { (30000...32767).contains($0) } == true)
        }

        @Test func getWithLabelSelectorsAndTables() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let text = SimHarness.deployment("web", image: "repo/web:1", replicas: 2) + "---\n"
                + SimHarness.deployment("api", image: "repo/api:7", replicas: 1) + "---\n"
                + SimHarness.service("web", selector: ["app": "web"])
            _ = await h.kubectl("apply", "-f", try h.manifest("all.yaml", text))
            let ready = await h.eventually {
                await h.kubectl("get", "deploy", "-o", "jsonpath={.items[*].status.readyReplicas}").stdout == "1 2"
            }
            #expect(ready)
            let deployments = await h.kubectl("get", "deployments")
            #expect(deployments.stdout.maskingAges == """
                NAME   READY   UP-TO-DATE   AVAILABLE   AGE
                api    1/1     1            1           0s
                web    2/2     2            2           0s

                """, "\(deployments)")
            let wide = await h.kubectl("get", "deploy", "web", "-o", "wide")
            #expect(wide.stdout.maskingAges == """
                NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR
                web    2/2     2            2           0s    web          repo/web:1   app=web

                """, "\(wide)")
            let svc = await h.kubectl("get", "svc")
            #expect(svc.stdout.maskingAges == """
                NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
                web    ClusterIP   10.96.0.12   <none>        80/TCP    0s

                """, "\(svc)")
            let pods = await h.kubectl("get", "pods", "-l", "app=web", "-o", "json")
            let list = try JSON.parse(pods.stdout)
            #expect(list["kind"] == "List")
            #expect(list["items"].arrayValue?.count == 2)
            for p in list["items"].arrayValue ?? [] {
                #expect(p["kind"] == "Pod")
                #expect(p["status"]["phase"] == "Running")
                #expect(p["metadata"]["labels"]["pod-template-hash"].stringValue?.isEmpty == false)
                #expect(p["metadata"]["ownerReferences"].arrayValue?.first?["kind"] == "ReplicaSet")
            }
            let names = await h.kubectl("get", "pods", "-l", "app in (api)", "-o", "custom-columns=READY:.status.containerStatuses[0].ready,IMAGE:.spec.containers[0].image")
            #expect(names.stdout == "READY   IMAGE\ntrue    repo/api:7\n", "\(names)")
            let notWeb = await h.kubectl("get", "deploy", "-l", "app!=web", "-o", "name")
            #expect(notWeb.stdout == "deployment.apps/api\n")
            let rs = await h.kubectl("get", "rs", "-l", "app=web", "--no-headers", "-o", "custom-columns=DESIRED:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision")
            #expect(rs.stdout == "2     1\n", "\(rs)")
        }
    }
}
