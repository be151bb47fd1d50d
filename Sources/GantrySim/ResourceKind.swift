/// The resource types the simulated API server serves.
public enum ResourceKind: String, CaseIterable, Sendable, Codable {
    case namespaces, pods, services, deployments, replicasets

    /// API group ("" for the core group).
    public var group: String { self == .deployments || self == .replicasets ? "apps" : "" }
    /// `apiVersion` of objects of this kind.
    public var apiVersion: String { group.isEmpty ? "v1" : "\(group)/v1" }
    /// The object kind.
    public var kind: String {
        switch self {
        case .namespaces: return "Namespace"
        case .pods: return "Pod"
        case .services: return "Service"
        case .deployments: return "Deployment"
        case .replicasets: return "ReplicaSet"
        }
    }
    /// Singular resource name.
    public var singular: String { String(rawValue.dropLast()) }
    /// Whether objects live in a namespace.
    public var namespaced: Bool { self != .namespaces }
    /// `resource.group` as Kubernetes spells it in messages (`deployments.apps`, `pods`).
    public var qualifiedName: String { group.isEmpty ? rawValue : "\(rawValue).\(group)" }
    /// Short names for discovery.
    var shortNames: [String] {
        switch self {
        case .namespaces: return ["ns"]
        case .pods: return ["po"]
        case .services: return ["svc"]
        case .deployments: return ["deploy"]
        case .replicasets: return ["rs"]
        }
    }
    /// The kind name of a list.
    var listKind: String { kind + "List" }

    /// Finds the resource served at `group`/`plural`.
    static func lookup(group: String, plural: String) -> ResourceKind? {
        guard let r = ResourceKind(rawValue: plural), r.group == group else { return nil }
        return r
    }
}
