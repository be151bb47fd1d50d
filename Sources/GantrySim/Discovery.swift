/// Discovery and OpenAPI documents: what kubectl fetches before its real requests.
enum Discovery {
    /// The content type kubectl needs to see to accept aggregated discovery.
    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    static let version: JSON = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.4", "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
        "gitTreeState": "clean", "buildDate": "2025-04-22T16:02:27Z", "goVersion": "go1.23.6",
        "compiler": "gc", "platform": "linux/amd64",
    ]

    private static let verbs: JSON = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    private static func resource(_ r: ResourceKind) -> JSON {
        var o: JSON = [
            "resource": .string(r.rawValue),
            "responseKind": ["group": .string(r.group), "version": "v1", "kind": .string(r.kind)],
            "scope": r.namespaced ? "Namespaced" : "Cluster",
            "singularResource": .string(r.singular),
            "verbs": verbs,
            "shortNames": .array(r.shortNames.map { .string($0) }),
        ]
        var subs: [JSON] = []
        if r == .deployments || r == .replicasets {
            subs.append(["subresource": "scale", "responseKind": ["group": "autoscaling", "version": "v1", "kind": "Scale"],
                         "verbs": ["get", "patch", "update"]])
        }
        if r != .namespaces {
            o["categories"] = ["all"]
            subs.append(["subresource": "status", "responseKind": ["group": .string(r.group), "version": "v1", "kind": .string(r.kind)],
                         "verbs": ["get", "patch", "update"]])
        }
        if r == .pods {
            subs.append(["subresource": "log", "responseKind": ["group": "", "version": "v1", "kind": "Pod"], "verbs": ["get"]])
        }
        if !subs.isEmpty { o["subresources"] = .array(subs) }
        return o
    }

    private static func group(_ name: String?, _ kinds: [ResourceKind]) -> JSON {
        [
            "metadata": name.map { ["name": .string($0)] } ?? [:],
            "versions": [["version": "v1", "freshness": "Current", "resources": .array(kinds.map(resource))]],
        ]
    }

    /// `GET /api` in aggregated form.
    static let coreAggregated: JSON = [
        "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
        "items": [group(nil, [.namespaces, .pods, .services])],
    ]

    /// `GET /apis` in aggregated form.
    static let groupsAggregated: JSON = [
        "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
        "items": [group("apps", [.deployments, .replicasets])],
    ]

    /// `GET /api` in legacy form.
    static let coreVersions: JSON = [
        "kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]],
    ]

    /// `GET /apis` in legacy form.
    static let groupList: JSON = [
        "kind": "APIGroupList", "apiVersion": "v1",
        "groups": [["name": "apps", "versions": [["groupVersion": "apps/v1", "version": "v1"]],
                    "preferredVersion": ["groupVersion": "apps/v1", "version": "v1"]]],
    ]

    /// `GET /api/v1` or `/apis/apps/v1`: an APIResourceList.
    static func resourceList(group: String) -> JSON {
        let kinds = ResourceKind.allCases.filter { $0.group == group }
        var items: [JSON] = []
        for r in kinds {
            items.append([
                "name": .string(r.rawValue), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                "kind": .string(r.kind), "verbs": verbs, "shortNames": .array(r.shortNames.map { .string($0) }),
            ])
            if r == .deployments || r == .replicasets {
                items.append(["name": .string(r.rawValue + "/scale"), "singularName": "", "namespaced": true,
                              "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
            if r != .namespaces {
                items.append(["name": .string(r.rawValue + "/status"), "singularName": "", "namespaced": true,
                              "kind": .string(r.kind), "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": .string(group.isEmpty ? "v1" : "\(group)/v1"), "resources": .array(items)]
    }

    // MARK: - OpenAPI v3

    static let openAPIHash = "GANTRYSIM1"

    static let openAPIRoot: JSON = [
        "paths": [
            "api/v1": ["serverRelativeURL": .string("/openapi/v3/api/v1?hash=\(openAPIHash)")],
            "apis/apps/v1": ["serverRelativeURL": .string("/openapi/v3/apis/apps/v1?hash=\(openAPIHash)")],
        ],
    ]

    private static func param(_ name: String) -> JSON {
        ["name": .string(name), "in": "query", "schema": ["type": "string"], "uniqueItems": true]
    }

    private static func operation(_ id: String, _ action: String, _ r: ResourceKind, _ params: [String]) -> JSON {
        [
            "operationId": .string(id), "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": ["group": .string(r.group), "version": "v1", "kind": .string(r.kind)],
            "parameters": .array(params.map(param)),
            "responses": ["200": ["description": "OK"]],
        ]
    }

    /// The per-group-version OpenAPI v3 document (paths only; validation is left to the server).
    static func openAPIDocument(group: String) -> JSON {
        var paths: [String: JSON] = [:]
        for r in ResourceKind.allCases where r.group == group {
            let base = group.isEmpty ? "/api/v1" : "/apis/\(group)/v1"
            let collection = r.namespaced ? "\(base)/namespaces/{namespace}/\(r.rawValue)" : "\(base)/\(r.rawValue)"
            paths[collection + "/{name}"] = [
                "get": operation("read\(r.kind)", "get", r, []),
                "patch": operation("patch\(r.kind)", "patch", r, ["dryRun", "fieldManager", "fieldValidation", "force"]),
                "put": operation("replace\(r.kind)", "put", r, ["dryRun", "fieldManager", "fieldValidation"]),
            ]
            paths[collection] = ["post": operation("create\(r.kind)", "post", r, ["dryRun", "fieldManager", "fieldValidation"])]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.4"],
                "paths": .object(paths), "components": ["schemas": [:]]]
    }
}
