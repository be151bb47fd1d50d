import Foundation

/// A parsed label selector (`app=web,tier!=db,env in (a,b),!legacy`) or field selector.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, [String])
        case notIn(String, [String])
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    /// The selector that matches everything.
    static let everything = LabelSelector(requirements: [])

    /// Parses the text form; throws ``SimError/badRequest(_:)`` on a malformed selector.
    init(parsing text: String) throws(SimError) {
        var reqs: [Requirement] = []
        for part in Self.splitTopLevel(text) {
            let p = part.trimmingSpaces()
            if p.isEmpty { continue }
            if let r = Self.parseSet(p, op: " notin ") { reqs.append(.notIn(r.0, r.1)); continue }
            if let r = Self.parseSet(p, op: " in ") { reqs.append(.isIn(r.0, r.1)); continue }
            if let r = p.range(of: "!=") {
                reqs.append(.notEquals(String(p[..<r.lowerBound]).trimmingSpaces(), String(p[r.upperBound...]).trimmingSpaces()))
            } else if let r = p.range(of: "==") {
                reqs.append(.equals(String(p[..<r.lowerBound]).trimmingSpaces(), String(p[r.upperBound...]).trimmingSpaces()))
            } else if let r = p.range(of: "=") {
                reqs.append(.equals(String(p[..<r.lowerBound]).trimmingSpaces(), String(p[r.upperBound...]).trimmingSpaces()))
            } else if p.hasPrefix("!") {
                reqs.append(.doesNotExist(String(p.dropFirst()).trimmingSpaces()))
            } else {
                guard !p.contains(" "), !p.contains("("), !p.contains(")") else {
                    throw .badRequest("unable to parse requirement: \(p)")
                }
                reqs.append(.exists(p))
            }
        }
        requirements = reqs
    }

    init(requirements: [Requirement]) { self.requirements = requirements }

    /// A selector from `matchLabels` (and simple `matchExpressions`) of a Kubernetes `LabelSelector` object.
    init(object: JSON) {
        var reqs: [Requirement] = object["matchLabels"].stringMap.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
        for e in object["matchExpressions"].arrayValue ?? [] {
            guard let key = e["key"].stringValue else { continue }
            let values = (e["values"].arrayValue ?? []).compactMap(\.stringValue)
            switch e["operator"].stringValue {
            case "In": reqs.append(.isIn(key, values))
            case "NotIn": reqs.append(.notIn(key, values))
            case "Exists": reqs.append(.exists(key))
            case "DoesNotExist": reqs.append(.doesNotExist(key))
            default: break
            }
        }
        requirements = reqs
    }

    /// Whether the labels satisfy every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            switch r {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .isIn(let k, let vs): return labels[k].map(vs.contains) ?? false
            case .notIn(let k, let vs): return !(labels[k].map(vs.contains) ?? false)
            case .exists(let k): return labels[k] != nil
            case .doesNotExist(let k): return labels[k] == nil
            }
        }
    }

    /// The selector in text form (`a=b,c=d`).
    var text: String {
        requirements.map { r in
            switch r {
            case .equals(let k, let v): return "\(k)=\(v)"
            case .notEquals(let k, let v): return "\(k)!=\(v)"
            case .isIn(let k, let vs): return "\(k) in (\(vs.joined(separator: ",")))"
            case .notIn(let k, let vs): return "\(k) notin (\(vs.joined(separator: ",")))"
            case .exists(let k): return k
            case .doesNotExist(let k): return "!\(k)"
            }
        }.joined(separator: ",")
    }

    private static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var cur = ""
        for c in s {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { parts.append(cur); cur = ""; continue }
            cur.append(c)
        }
        parts.append(cur)
        return parts
    }

    private static func parseSet(_ p: String, op: String) -> (String, [String])? {
        guard let r = p.range(of: op), p.hasSuffix(")") else { return nil }
        let key = String(p[..<r.lowerBound]).trimmingSpaces()
        var rest = String(p[r.upperBound...]).trimmingSpaces()
        guard rest.hasPrefix("(") else { return nil }
        rest = String(rest.dropFirst().dropLast())
        return (key, rest.split(separator: ",").map { String($0).trimmingSpaces() })
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
