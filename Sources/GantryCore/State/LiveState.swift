import Foundation

/// What runs in an environment, as the executor read it from the cluster with kubectl.
public struct LiveState: Sendable, Equatable {
    /// The version: the tag of the pipeline's image on the live Deployment's container; "" when
    /// the container runs another image (see `image`).
    public var version: String
    /// The live container's whole image reference.
    public var image: String
    /// The live Deployment's revision (`deployment.kubernetes.io/revision`), 0 when unknown.
    public var revision: Int
    public var ready: Int
    public var desired: Int
    /// What the strategy adds: "colour green" (blue-green), "canary 1 of 5 on 2.1.0" (canary
    /// with a canary running), "" (rolling).
    public var detail: String

    public init(version: String, image: String, revision: Int, ready: Int, desired: Int, detail: String = "") {
        self.version = version
        self.image = image
        self.revision = revision
        self.ready = ready
        self.desired = desired
        self.detail = detail
    }

    /// "2.0.0 (revision 4, colour green, 3/3 ready)".
    public var summary: String {
        var parts: [String] = []
        if revision > 0 { parts.append("revision \(revision)") }
        if !detail.isEmpty { parts.append(detail) }
        parts.append("\(ready)/\(desired) ready")
        return (version.isEmpty ? image : version) + " (" + parts.joined(separator: ", ") + ")"
    }

    /// Whether `other` runs the same thing (pod counts aside, which move on their own).
    public func sameWorkload(as other: LiveState) -> Bool {
        version == other.version && image == other.image && revision == other.revision && detail == other.detail
    }
}

/// Why the executor read an environment's live state.
public enum LiveCause: UInt8, Sendable, Equatable, CaseIterable {
    /// A deploy (or a deploy stage of another environment's deploy) changed it.
    case deployed = 1
    /// A rollback changed it.
    case rolledBack = 2
    /// A reconcile read it, on the executor's start or on demand (`gantry reconcile`).
    case reconciled = 3

    public var word: String {
        switch self {
        case .deployed: "deployed"
        case .rolledBack: "rolled back"
        case .reconciled: "reconciled"
        }
    }
}
