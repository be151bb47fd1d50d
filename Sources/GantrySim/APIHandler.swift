/// The simulated Kubernetes API: routes a request to discovery, OpenAPI or a resource verb.
///
/// Paths may carry a `/clusters/<name>` prefix that picks the cluster; without it the first cluster answers.
final class APIHandler: Sendable {
    let clusters: [String: Cluster]
    let defaultCluster: Cluster
    let metricsText: @Sendable () -> String
    let watchTimeoutSeconds: Double

    init(clusters: [Cluster], watchTimeoutSeconds: Double = 1800, metricsText: @escaping @Sendable () -> String) {
        self.watchTimeoutSeconds = watchTimeoutSeconds
        var byName: [String: Cluster] = [:]
        for c in clusters { byName[c.name] = c }
        self.clusters = byName
        self.defaultCluster = clusters[0]
        self.metricsText = metricsText
    }

    /// What a resource request addresses.
    struct Target {
        let cluster: Cluster
        let resource: ResourceKind
        let namespace: String?
        let name: String?
        let subresource: String?
    }

    func handle(_ req: APIRequest) -> APIResponse {
        var segments = req.path.split(separator: "/").map(String.init)
        var cluster = defaultCluster
        if segments.count >= 2, segments[0] == "clusters" {
            guard let c = clusters[segments[1]] else {
                return .status(.unknownPath(req.path))
            }
            cluster = c
            segments.removeFirst(2)
        }
        switch segments.first {
        case "version": return .json(Discovery.version)
        case "healthz", "readyz", "livez": return .text("ok")
        case "metrics": return .text(metricsText())
        case "openapi": return openAPI(Array(segments.dropFirst()), req)
        case "api", "apis": break
        default: return .status(.unknownPath(req.path))
        }
        let isCore = segments[0] == "api"
        if isCore, segments.count == 1 { return discovery(req, aggregated: Discovery.coreAggregated, legacy: Discovery.coreVersions) }
        if !isCore, segments.count == 1 { return discovery(req, aggregated: Discovery.groupsAggregated, legacy: Discovery.groupList) }
        let group = isCore ? "" : segments[1]
        var rest = Array(segments.dropFirst(isCore ? 1 : 2))
        if !isCore, segments.count == 2, group == "apps" {
            return .json(["kind": "APIGroup", "apiVersion": "v1", "name": "apps",
                          "versions": [["groupVersion": "apps/v1", "version": "v1"]],
                          "preferredVersion": ["groupVersion": "apps/v1", "version": "v1"]])
        }
        guard rest.first == "v1", isCore || group == "apps" else { return .status(.unknownPath(req.path)) }
        rest.removeFirst()
        if rest.isEmpty { return .json(Discovery.resourceList(group: group)) }
        guard let target = parseTarget(rest, group: group, cluster: cluster) else {
            return .status(.unknownPath(req.path))
        }
        return dispatch(req, target)
    }

    private func parseTarget(_ rest: [String], group: String, cluster: Cluster) -> Target? {
        var namespace: String?
        var r = rest
        if r.first == "namespaces", group.isEmpty {
            if r.count <= 3 {
                // /namespaces, /namespaces/{ns}, /namespaces/{ns}/status
                if r.count == 3, r[2] != "status" {
                    // fallthrough to namespaced collection below
                } else {
                    return Target(cluster: cluster, resource: .namespaces, namespace: nil, name: r.count > 1 ? r[1] : nil,
                                  subresource: r.count > 2 ? r[2] : nil)
                }
            }
        }
        if r.first == "namespaces", r.count >= 3 {
            namespace = r[1]
            r.removeFirst(2)
        }
        guard let first = r.first, let kind = ResourceKind.lookup(group: group, plural: first), kind != .namespaces else {
            return nil
        }
        guard r.count <= 3 else { return nil }
        return Target(cluster: cluster, resource: kind, namespace: namespace, name: r.count > 1 ? r[1] : nil,
                      subresource: r.count > 2 ? r[2] : nil)
    }

    private func discovery(_ req: APIRequest, aggregated: JSON, legacy: JSON) -> APIResponse {
        if req.accept.contains("apidiscovery.k8s.io") {
            return .json(aggregated, contentType: Discovery.aggregatedContentType)
        }
        return .json(legacy)
    }

    private func openAPI(_ segments: [String], _ req: APIRequest) -> APIResponse {
        switch segments {
        case ["v3"]: return .json(Discovery.openAPIRoot)
        case ["v3", "api", "v1"]: return .json(Discovery.openAPIDocument(group: ""))
        case ["v3", "apis", "apps", "v1"]: return .json(Discovery.openAPIDocument(group: "apps"))
        default: return .status(.unknownPath(req.path))
        }
    }

    private func dispatch(_ req: APIRequest, _ t: Target) -> APIResponse {
        do throws(SimError) {
            switch (req.method, t.name) {
            case ("GET", nil):
                return req.query["watch"] == "true" || req.query["watch"] == "1" ? try watch(req, t) : try list(req, t)
            case ("GET", .some(let name)): return try get(req, t, name)
            case ("POST", nil): return try create(req, t)
            case ("PUT", .some(let name)): return try replace(req, t, name)
            case ("PATCH", .some(let name)): return try patch(req, t, name)
            case ("DELETE", .some(let name)): return try delete(req, t, name)
            case ("DELETE", nil): return try deleteCollection(req, t)
            default: throw SimError.methodNotAllowed(req.method)
            }
        } catch {
            return .status(error)
        }
    }

    // MARK: - Reads

    private func get(_ req: APIRequest, _ t: Target, _ name: String) throws(SimError) -> APIResponse {
        let found = t.cluster.locked { c -> (JSON?, [String]) in
            let o = c.space.get(t.resource, t.namespace, name)
            let logs = (t.subresource == "log" ? o.flatMap { c.pods[$0["metadata"]["uid"].stringValue ?? ""]?.logLines } : nil) ?? []
            return (o, logs)
        }
        guard let o = found.0 else { throw .notFound(resource: t.resource.qualifiedName, name: name) }
        switch t.subresource {
        case nil, "status": break
        case "scale" where t.resource == .deployments || t.resource == .replicasets: return .json(Self.scale(o))
        case "log" where t.resource == .pods:
            return .text(found.1.map { $0 + "\n" }.joined())
        default: throw .unknownPath(req.path)
        }
        if req.wantsTable {
            return .json(TableConverter.table(t.resource, [o], resourceVersion: o["metadata"]["resourceVersion"].stringValue ?? "",
                                              includeObject: req.query["includeObject"], now: Clock.now()))
        }
        return .json(o)
    }

    static func filter(_ req: APIRequest) throws(SimError) -> @Sendable (JSON) -> Bool {
        let labels = try LabelSelector(parsing: req.query["labelSelector"] ?? "")
        let fields = try LabelSelector(parsing: req.query["fieldSelector"] ?? "")
        return { o in
            guard labels.matches(o["metadata"]["labels"].stringMap) else { return false }
            if fields.requirements.isEmpty { return true }
            var f: [String: String] = [:]
            f["metadata.name"] = o["metadata"]["name"].stringValue
            f["metadata.namespace"] = o["metadata"]["namespace"].stringValue
            f["status.phase"] = o["status"]["phase"].stringValue
            f["spec.nodeName"] = o["spec"]["nodeName"].stringValue
            return fields.matches(f)
        }
    }

    private func list(_ req: APIRequest, _ t: Target) throws(SimError) -> APIResponse {
        let match = try Self.filter(req)
        let (items, rv) = t.cluster.locked { c in
            (c.space.list(t.resource, namespace: t.namespace).filter(match), c.space.resourceVersion)
        }
        if req.wantsTable {
            return .json(TableConverter.table(t.resource, items, resourceVersion: String(rv),
                                              includeObject: req.query["includeObject"], now: Clock.now()))
        }
        return .json(["kind": .string(t.resource.listKind), "apiVersion": .string(t.resource.apiVersion),
                      "metadata": ["resourceVersion": .string(String(rv))], "items": .array(items)])
    }

    private func watch(_ req: APIRequest, _ t: Target) throws(SimError) -> APIResponse {
        let match = try Self.filter(req)
        let since = req.query["resourceVersion"].flatMap { Int($0) }
        let timeout = req.query["timeoutSeconds"].flatMap { Double($0) } ?? watchTimeoutSeconds
        return .watch(WatchPlan(cluster: t.cluster, resource: t.resource, namespace: t.namespace,
                                since: (since ?? 0) > 0 ? since : nil, filter: match, initialEvents: (since ?? 0) == 0,
                                timeoutSeconds: timeout, asTable: req.wantsTable,
                                includeObject: req.query["includeObject"],
                                bookmarks: req.query["allowWatchBookmarks"] == "true"))
    }

    /// The autoscaling/v1 Scale view of a deployment or replica set.
    static func scale(_ o: JSON) -> JSON {
        let m = o["metadata"]
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": ["name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
                         "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]],
            "spec": ["replicas": .int(o["spec"]["replicas"].intValue ?? 0)],
            "status": ["replicas": .int(o["status"]["replicas"].intValue ?? 0),
                       "selector": .string(LabelSelector(object: o["spec"]["selector"]).text)],
        ]
    }
}
