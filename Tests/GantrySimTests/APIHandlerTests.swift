import NIOConcurrencyHelpers
import Testing
@testable import GantrySim

/// The API handler in-process: malformed requests get proper Status answers, never a crash.
@Suite struct APIHandlerTests {
    static func handler() -> (APIHandler, Cluster) {
        let c = Cluster(name: "staging")
        c.ensureNamespace("demo")
        return (APIHandler(clusters: [c], metricsText: { "" }), c)
    }

    static func status(_ r: APIResponse) -> (Int, JSON) {
        guard case .full(let code, _, let body, _) = r else { return (0, .null) }
        return (code, (try? JSON.parse(bytes: body)) ?? .null)
    }

    @Test func discoveryAnswersAggregatedOnlyWhenAsked() {
        let (api, _) = Self.handler()
        let aggregated = api.handle(APIRequest(method: "GET", uri: "/apis?timeout=32s",
                                               accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"))
        guard case .full(200, let type, _, _) = aggregated else { Issue.record("no answer"); return }
        #expect(type == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let plain = Self.status(api.handle(APIRequest(method: "GET", uri: "/apis", accept: "application/json")))
        #expect(plain.1["kind"] == "APIGroupList")
    }

    @Test func badRequestsGetStatusResponses() {
        let (api, _) = Self.handler()
        let cases: [(APIRequest, Int, String)] = [
            (APIRequest(method: "GET", uri: "/apis/apps/v1/namespaces/demo/widgets"), 404, "NotFound"),
            (APIRequest(method: "GET", uri: "/clusters/nowhere/api/v1/namespaces"), 404, "NotFound"),
            (APIRequest(method: "GET", uri: "/api/v1/namespaces/demo/pods?labelSelector=app%20web"), 400, "BadRequest"),
            (APIRequest(method: "POST", uri: "/apis/apps/v1/namespaces/demo/deployments", body: Array("[1,2".utf8)), 400, "BadRequest"),
            (APIRequest(method: "POST", uri: "/apis/apps/v1/namespaces/demo/deployments", body: Array("{\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}".utf8)), 400, "BadRequest"),
            (APIRequest(method: "POST", uri: "/apis/apps/v1/namespaces/demo/deployments", body: Array("{\"metadata\":{}}".utf8)), 400, "BadRequest"),
            (APIRequest(method: "POST", uri: "/apis/apps/v1/namespaces/ghost/deployments", body: Array("{\"metadata\":{\"name\":\"x\"}}".utf8)), 404, "NotFound"),
            (APIRequest(method: "PATCH", uri: "/api/v1/namespaces/demo", contentType: "application/xml", body: Array("{}".utf8)), 415, "UnsupportedMediaType"),
            (APIRequest(method: "PUT", uri: "/apis/apps/v1/namespaces/demo/deployments"), 405, "MethodNotAllowed"),
            (APIRequest(method: "GET", uri: "/api/v1/namespaces/demo/pods/x/exec"), 404, "NotFound"),
        ]
        for (req, code, reason) in cases {
            let (got, body) = Self.status(api.handle(req))
            #expect(got == code, "\(req.method) \(req.path)")
            #expect(body["kind"] == "Status")
            #expect(body["reason"] == .string(reason), "\(req.method) \(req.path): \(body.compactText)")
        }
    }

    @Test func watchesReplayHistoryOrAnswerGone() throws {
        let space = ObjectSpace()
        try space.create(.namespaces, ["metadata": ["name": "demo"]])
        let start = space.resourceVersion
        try space.create(.services, ["metadata": ["name": "a", "namespace": "demo"]])
        try space.create(.services, ["metadata": ["name": "b", "namespace": "demo"]])
        let seen = NIOLockedValueBox<[String]>([])
        let id = space.watch(.services, namespace: "demo", since: start, filter: { _ in true }) { e in
            seen.withLockedValue { $0.append(e.object["metadata"]["name"].stringValue ?? "") }
        }
        #expect(id != nil)
        #expect(seen.withLockedValue { $0 } == ["a", "b"])
        let restored = ObjectSpace()
        restored.restore(space.snapshot())
        #expect(restored.watch(.services, namespace: nil, since: start, filter: { _ in true }) { _ in } == nil,
                "after a restore the history is gone: the client must re-list")
    }

    @Test func createThenConflictAndNoOpUpdates() throws {
        let (api, c) = Self.handler()
        let body = Array("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}}".utf8)
        let created = Self.status(api.handle(APIRequest(method: "POST", uri: "/api/v1/namespaces/demo/services", body: body)))
        #expect(created.0 == 201)
        #expect(created.1["spec"]["ports"].arrayValue?.first?["targetPort"] == 80)
        let again = Self.status(api.handle(APIRequest(method: "POST", uri: "/api/v1/namespaces/demo/services", body: body)))
        #expect(again.0 == 409)
        #expect(again.1["message"] == "services \"web\" already exists")
        let rv = created.1["metadata"]["resourceVersion"]
        let same = Self.status(api.handle(APIRequest(method: "PATCH", uri: "/api/v1/namespaces/demo/services/web",
                                                     contentType: "application/merge-patch+json", body: Array("{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":80,\"protocol\":\"TCP\"}]}}".utf8))))
        #expect(same.1["metadata"]["resourceVersion"] == rv, "a no-op patch keeps the resource version")
        var stale = created.1
        stale[path: ["metadata", "resourceVersion"]] = "1"
        let conflict = Self.status(api.handle(APIRequest(method: "PUT", uri: "/api/v1/namespaces/demo/services/web", body: JSONWriter.bytes(stale))))
        #expect(conflict.0 == 409)
        #expect(conflict.1["reason"] == "Conflict")
        #expect(c.count(.services) == 1)
    }
}
