import Foundation

/// The patch formats of the Kubernetes API: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a
/// strategic merge patch that merges well-known lists by their merge key.
enum Patch {
    // MARK: - Merge patch

    /// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
    static func merge(_ target: JSON, _ patch: JSON) -> JSON {
        guard case .object(let p) = patch else { return patch }
        var t = target.objectValue ?? [:]
        for (k, v) in p {
            if v.isNull { t.removeValue(forKey: k) } else { t[k] = merge(t[k] ?? .null, v) }
        }
        return .object(t)
    }

    // MARK: - Strategic merge patch

    /// Merge keys of the lists Kubernetes merges element by element, by field name.
    static func mergeKey(field: String, elements: [JSON]) -> String? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets":
            return "name"
        case "volumeMounts": return "mountPath"
        case "conditions": return "type"
        case "ownerReferences": return "uid"
        case "ports":
            if elements.contains(where: { !$0["containerPort"].isNull }) { return "containerPort" }
            return "port"
        default: return nil
        }
    }

    /// Applies a strategic merge patch: like a merge patch, but lists with a merge key merge element by element,
    /// `$patch: delete|replace` directives are honoured and `$setElementOrder/...`, `$retainKeys` are handled.
    static func strategic(_ target: JSON, _ patch: JSON) throws(SimError) -> JSON {
        guard case .object(var p) = patch else {
            throw .badRequest("strategic merge patch must be a JSON object")
        }
        if p["$patch"]?.stringValue == "replace" {
            p.removeValue(forKey: "$patch")
            return .object(p)
        }
        if p["$patch"]?.stringValue == "delete" { return .null }
        var t = target.objectValue ?? [:]
        let retain = p["$retainKeys"]?.arrayValue?.compactMap(\.stringValue)
        for (k, v) in p {
            if k.hasPrefix("$") { continue }
            if k.hasPrefix("$deleteFromPrimitiveList/") { continue }
            if v.isNull { t.removeValue(forKey: k); continue }
            switch v {
            case .object:
                let merged = try strategic(t[k] ?? .null, v)
                if merged.isNull { t.removeValue(forKey: k) } else { t[k] = merged }
            case .array(let elems):
                if let key = mergeKey(field: k, elements: elems + (t[k]?.arrayValue ?? [])) {
                    t[k] = .array(try mergeList(t[k]?.arrayValue ?? [], elems, key: key))
                } else {
                    t[k] = v
                }
            default:
                t[k] = v
            }
        }
        if let retain {
            for k in t.keys where !retain.contains(k) { t.removeValue(forKey: k) }
        }
        return .object(t)
    }

    private static func mergeList(_ target: [JSON], _ patch: [JSON], key: String) throws(SimError) -> [JSON] {
        var out = target
        for elem in patch {
            let k = elem[key]
            guard !k.isNull else {
                throw .badRequest("map: \(elem.compactText) does not contain declared merge key: \(key)")
            }
            let idx = out.firstIndex(where: { $0[key] == k })
            if elem["$patch"].stringValue == "delete" {
                if let idx { out.remove(at: idx) }
                continue
            }
            if let idx {
                out[idx] = try strategic(out[idx], elem)
            } else {
                var e = elem
                e.removeKey("$patch")
                out.append(try strategic(.object([:]), e))
            }
        }
        return out
    }

    // MARK: - JSON patch

    /// RFC 6902: add, remove, replace, move, copy and test, on JSON pointers.
    static func jsonPatch(_ target: JSON, _ patch: JSON) throws(SimError) -> JSON {
        guard let ops = patch.arrayValue else { throw .badRequest("json patch must be an array of operations") }
        var doc = target
        for op in ops {
            guard let name = op["op"].stringValue, let path = op["path"].stringValue else {
                throw .badRequest("json patch operation needs 'op' and 'path': \(op.compactText)")
            }
            let tokens = try pointer(path)
            switch name {
            case "add": doc = try set(doc, tokens, op["value"], insert: true)
            case "replace":
                _ = try get(doc, tokens)
                doc = try set(doc, tokens, op["value"], insert: false)
            case "remove": doc = try remove(doc, tokens)
            case "move", "copy":
                guard let from = op["from"].stringValue else { throw .badRequest("\(name) needs 'from'") }
                let ft = try pointer(from)
                let v = try get(doc, ft)
                if name == "move" { doc = try remove(doc, ft) }
                doc = try set(doc, tokens, v, insert: true)
            case "test":
                guard try get(doc, tokens) == op["value"] else { throw .badRequest("testing value \(path) failed") }
            default: throw .badRequest("unexpected json patch operation '\(name)'")
            }
        }
        return doc
    }

    private static func pointer(_ path: String) throws(SimError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw .badRequest("invalid JSON pointer '\(path)'") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ doc: JSON, _ tokens: [String]) throws(SimError) -> JSON {
        var v = doc
        for t in tokens {
            switch v {
            case .object(let o):
                guard let n = o[t] else { throw .badRequest("json patch: path not found: /\(tokens.joined(separator: "/"))") }
                v = n
            case .array(let a):
                guard let i = Int(t), a.indices.contains(i) else { throw .badRequest("json patch: bad index '\(t)'") }
                v = a[i]
            default: throw .badRequest("json patch: path not found: /\(tokens.joined(separator: "/"))")
            }
        }
        return v
    }

    private static func set(_ doc: JSON, _ tokens: [String], _ value: JSON, insert: Bool) throws(SimError) -> JSON {
        guard let first = tokens.first else { return value }
        let rest = Array(tokens.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty { o[first] = value; return .object(o) }
            guard let child = o[first] else { throw .badRequest("json patch: missing path element '\(first)'") }
            o[first] = try set(child, rest, value, insert: insert)
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if first == "-" && insert { a.append(value); return .array(a) }
                guard let i = Int(first), i >= 0, i <= a.count, insert || i < a.count else {
                    throw .badRequest("json patch: bad index '\(first)'")
                }
                if insert { a.insert(value, at: i) } else { a[i] = value }
                return .array(a)
            }
            guard let i = Int(first), a.indices.contains(i) else { throw .badRequest("json patch: bad index '\(first)'") }
            a[i] = try set(a[i], rest, value, insert: insert)
            return .array(a)
        default:
            throw .badRequest("json patch: cannot descend into a scalar at '\(first)'")
        }
    }

    private static func remove(_ doc: JSON, _ tokens: [String]) throws(SimError) -> JSON {
        guard let first = tokens.first else { throw .badRequest("json patch: cannot remove the root") }
        let rest = Array(tokens.dropFirst())
        switch doc {
        case .object(var o):
            guard let child = o[first] else { throw .badRequest("json patch: path not found '\(first)'") }
            if rest.isEmpty { o.removeValue(forKey: first) } else { o[first] = try remove(child, rest) }
            return .object(o)
        case .array(var a):
            guard let i = Int(first), a.indices.contains(i) else { throw .badRequest("json patch: bad index '\(first)'") }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(a[i], rest) }
            return .array(a)
        default:
            throw .badRequest("json patch: path not found '\(first)'")
        }
    }
}
