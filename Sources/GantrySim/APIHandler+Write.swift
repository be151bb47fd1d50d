/// Create, replace, patch and delete.
extension APIHandler {
    private func parseBody(_ req: APIRequest) throws(SimError) -> JSON {
        guard !req.body.isEmpty else { throw .badRequest("the request body is empty") }
        if req.contentType.hasPrefix("application/vnd.kubernetes.protobuf") {
            return try ProtobufDecoder.decode(req.body)
        }
        if req.contentType.contains("cbor") { throw .unsupportedMediaType(req.contentType) }
        return try JSON.parse(bytes: req.body)
    }

    /// Checks kind, name and namespace of a body against the URL, and fills the namespace in.
    private func prepare(_ body: JSON, _ t: Target, name: String?) throws(SimError) -> JSON {
        guard case .object = body else { throw .badRequest("the object must be a JSON object") }
        var o = body
        if let kind = o["kind"].stringValue, kind != t.resource.kind {
            throw .badRequest("the kind \"\(kind)\" does not match the URL (\(t.resource.kind) expected)")
        }
        if let name {
            if let n = o["metadata"]["name"].stringValue, n != name {
                throw .badRequest("the name of the object (\(n)) does not match the name on the URL (\(name))")
            }
            o[path: ["metadata", "name"]] = .string(name)
        }
        if t.resource.namespaced {
            guard let ns = t.namespace else { throw .badRequest("a namespace is required") }
            if let n = o["metadata"]["namespace"].stringValue, n != ns {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            o[path: ["metadata", "namespace"]] = .string(ns)
        } else {
            o["metadata"].removeKey("namespace")
        }
        return o
    }

    func create(_ req: APIRequest, _ t: Target) throws(SimError) -> APIResponse {
        let o = try prepare(try parseBody(req), t, name: nil)
        let dryRun = req.query["dryRun"] == "All"
        let stored = try t.cluster.locked { c throws(SimError) -> JSON in
            var obj = Defaults.apply(t.resource, o, clusterIP: c.allocateServiceIP)
            obj["metadata"].removeKey("resourceVersion")
            if t.resource == .deployments || t.resource == .replicasets { obj["status"] = [:] }
            if dryRun { return obj }
            c.dirty = true
            return try c.space.create(t.resource, obj)
        }
        return .json(stored, status: 201)
    }

    func replace(_ req: APIRequest, _ t: Target, _ name: String) throws(SimError) -> APIResponse {
        let body = try parseBody(req)
        if t.subresource == "scale" {
            return try applyScale(t, name) { _ in body }
        }
        let o = try prepare(body, t, name: name)
        let stored = try t.cluster.locked { c throws(SimError) -> JSON in
            guard let old = c.space.get(t.resource, t.namespace, name) else {
                throw .notFound(resource: t.resource.qualifiedName, name: name)
            }
            if let rv = o["metadata"]["resourceVersion"].stringValue, !rv.isEmpty, rv != old["metadata"]["resourceVersion"].stringValue {
                throw .conflict(resource: t.resource.qualifiedName, name: name)
            }
            return try replace(c, req, t, old: old, with: o)
        }
        return .json(stored)
    }

    func patch(_ req: APIRequest, _ t: Target, _ name: String) throws(SimError) -> APIResponse {
        let body = try parseBody(req)
        let type = req.contentType.split(separator: ";").first.map { String($0).trimmingSpaces() } ?? ""
        let apply: (JSON) throws(SimError) -> JSON
        switch type {
        case "application/json-patch+json": apply = { old throws(SimError) in try Patch.jsonPatch(old, body) }
        case "application/merge-patch+json": apply = { old in Patch.merge(old, body) }
        case "application/strategic-merge-patch+json": apply = { old throws(SimError) in try Patch.strategic(old, body) }
        case "application/apply-patch+yaml":
            return try serverSideApply(req, t, name, body)
        default: throw .unsupportedMediaType(type)
        }
        if t.subresource == "scale" { return try applyScale(t, name, apply) }
        let stored = try t.cluster.locked { c throws(SimError) -> JSON in
            guard let old = c.space.get(t.resource, t.namespace, name) else {
                throw .notFound(resource: t.resource.qualifiedName, name: name)
            }
            return try replace(c, req, t, old: old, with: try prepare(try apply(old), t, name: name))
        }
        return .json(stored)
    }

    /// Stores `new` in place of `old` (under the cluster lock): only the status for the status
    /// subresource; otherwise the defaulted object keeping the old status (services keep
    /// theirs). A dry run returns it without storing.
    private func replace(_ c: Cluster, _ req: APIRequest, _ t: Target, old: JSON, with new: JSON) throws(SimError) -> JSON {
        var next: JSON
        if t.subresource == "status" {
            next = old
            next["status"] = new["status"]
        } else {
            next = Defaults.apply(t.resource, new, clusterIP: c.allocateServiceIP)
            if t.resource != .services { next["status"] = old["status"] }
            if next["status"].isNull { next.removeKey("status") }
        }
        if req.query["dryRun"] == "All" { return next }
        c.dirty = true
        return try c.space.update(t.resource, next)
    }

    private func serverSideApply(_ req: APIRequest, _ t: Target, _ name: String, _ body: JSON) throws(SimError) -> APIResponse {
        let applied = try prepare(body, t, name: name)
        let dryRun = req.query["dryRun"] == "All"
        let (stored, created) = try t.cluster.locked { c throws(SimError) -> (JSON, Bool) in
            guard let old = c.space.get(t.resource, t.namespace, name) else {
                var obj = Defaults.apply(t.resource, applied, clusterIP: c.allocateServiceIP)
                obj["metadata"].removeKey("resourceVersion")
                if dryRun { return (obj, true) }
                c.dirty = true
                return (try c.space.create(t.resource, obj), true)
            }
            var config = applied
            config.removeKey("status")
            config["metadata"].removeKey("resourceVersion")
            var next = Defaults.apply(t.resource, try Patch.strategic(old, config), clusterIP: c.allocateServiceIP)
            if t.resource != .services { next["status"] = old["status"] }
            if next["status"].isNull { next.removeKey("status") }
            if dryRun { return (next, false) }
            c.dirty = true
            return (try c.space.update(t.resource, next), false)
        }
        return .json(stored, status: created ? 201 : 200)
    }

    private func applyScale(_ t: Target, _ name: String, _ change: (JSON) throws(SimError) -> JSON) throws(SimError) -> APIResponse {
        guard t.resource == .deployments || t.resource == .replicasets else { throw .unknownPath("\(t.resource.rawValue)/scale") }
        let stored = try t.cluster.locked { c throws(SimError) -> JSON in
            guard var o = c.space.get(t.resource, t.namespace, name) else {
                throw .notFound(resource: t.resource.qualifiedName, name: name)
            }
            let scaled = try change(Self.scale(o))
            guard let replicas = scaled["spec"]["replicas"].intValue, replicas >= 0 else {
                throw .badRequest("spec.replicas must be a non-negative integer")
            }
            o[path: ["spec", "replicas"]] = .int(replicas)
            c.dirty = true
            return try c.space.update(t.resource, o)
        }
        return .json(Self.scale(stored))
    }

    func delete(_ req: APIRequest, _ t: Target, _ name: String) throws(SimError) -> APIResponse {
        var orphan = req.query["propagationPolicy"] == "Orphan"
        if !req.body.isEmpty, let opts = try? JSON.parse(bytes: req.body), opts["propagationPolicy"].stringValue == "Orphan" {
            orphan = true
        }
        let deleted = try t.cluster.locked { c throws(SimError) -> JSON in
            guard let o = c.space.get(t.resource, t.namespace, name) else {
                throw .notFound(resource: t.resource.qualifiedName, name: name)
            }
            if req.query["dryRun"] == "All" { return o }
            c.dirty = true
            if t.resource == .namespaces {
                for r in ResourceKind.allCases where r.namespaced {
                    for child in c.space.list(r, namespace: name) {
                        _ = try? c.space.delete(r, name, child["metadata"]["name"].stringValue ?? "")
                    }
                }
            } else if !orphan {
                c.deleteDependents(of: o, namespace: t.namespace)
            }
            if t.resource == .pods {
                c.terminatePod(o, now: Clock.now(), immediately: req.query["gracePeriodSeconds"] == "0")
                return o
            }
            return try c.space.delete(t.resource, t.namespace, name)
        }
        return .json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                      "details": ["name": .string(name), "group": .string(t.resource.group),
                                  "kind": .string(t.resource.rawValue), "uid": deleted["metadata"]["uid"]]])
    }

    func deleteCollection(_ req: APIRequest, _ t: Target) throws(SimError) -> APIResponse {
        let match = try Self.filter(req)
        let items = t.cluster.locked { c in
            let items = c.space.list(t.resource, namespace: t.namespace).filter(match)
            for o in items {
                c.deleteDependents(of: o, namespace: t.namespace)
                _ = try? c.space.delete(t.resource, o["metadata"]["namespace"].stringValue, o["metadata"]["name"].stringValue ?? "")
            }
            c.dirty = true
            return items
        }
        return .json(["kind": .string(t.resource.listKind), "apiVersion": .string(t.resource.apiVersion),
                      "metadata": [:], "items": .array(items)])
    }
}

extension Cluster {
    /// Deletes what an object owns (replica sets of a deployment, pods of a replica set), recursively. Lock held.
    func deleteDependents(of owner: JSON, namespace: String?) {
        guard let uid = owner["metadata"]["uid"].stringValue else { return }
        for r in [ResourceKind.replicasets, .pods] {
            for child in space.list(r, namespace: namespace) {
                let owned = (child["metadata"]["ownerReferences"].arrayValue ?? []).contains { $0["uid"].stringValue == uid }
                if owned, let n = child["metadata"]["name"].stringValue {
                    deleteDependents(of: child, namespace: namespace)
                    if r == .pods {
                        terminatePod(child, now: Clock.now())
                    } else {
                        _ = try? space.delete(r, namespace, n)
                    }
                }
            }
        }
    }
}
