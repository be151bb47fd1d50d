import Foundation

/// Where a deploy is in its life.
public enum DeployStatus: String, Sendable, Equatable {
    case requested, running, rollingBack = "rolling-back", succeeded, failed
    case rolledBack = "rolled-back", cancelled, interrupted

    /// Whether the deploy has ended.
    public var isFinished: Bool {
        switch self {
        case .succeeded, .failed, .rolledBack, .cancelled, .interrupted: true
        case .requested, .running, .rollingBack: false
        }
    }
}

/// One approval that was given and not revoked.
public struct Approval: Sendable, Equatable {
    public var scope: String
    public var by: String
    public var at: Date
    public var comment: String
    public init(scope: String, by: String, at: Date, comment: String) {
        self.scope = scope
        self.by = by
        self.at = at
        self.comment = comment
    }
}

/// A gate forced open without its conditions: who, when, why. Shown in the audit trail.
public struct GateOverride: Sendable, Equatable {
    public var by: String
    public var at: Date
    public var reason: String
    public init(by: String, at: Date, reason: String) {
        self.by = by
        self.at = at
        self.reason = reason
    }
}

/// Someone asked to stop a deploy where it is.
public struct CancelRequest: Sendable, Equatable {
    public var by: String
    public var at: Date
    public var reason: String
    public init(by: String, at: Date, reason: String) {
        self.by = by
        self.at = at
        self.reason = reason
    }
}

/// A rollback of a deploy, from request to end.
public struct RollbackState: Sendable, Equatable {
    public var requestedBy: String
    public var requestedAt: Date
    public var reason: String
    public var targetVersion: String = ""
    public var method: String = ""
    public var startedAt: Date?
    public var finishedAt: Date?
    /// nil while running.
    public var succeeded: Bool?
    /// Whether the executor asked for it (an automatic-rollback trigger), not a person.
    public var isAutomatic: Bool { reason.hasPrefix(Self.automaticPrefix) }
    /// The reason without `automatic (TRIGGER): `: what went wrong, in words.
    public var cause: String {
        guard isAutomatic, let close = reason.firstIndex(of: ")"), reason[close...].hasPrefix("): ") else { return reason }
        return String(reason[reason.index(close, offsetBy: 3)...])
    }
    /// How the executor's reasons start: `automatic (critical-metric): …`.
    public static let automaticPrefix = "automatic"

    public init(requestedBy: String, requestedAt: Date, reason: String) {
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.reason = reason
    }
}

/// Everything known about one deploy, folded from its events.
public struct DeployState: Sendable, Equatable {
    public let id: DeployID
    public let environment: String
    public let version: String
    public let policy: DeployPolicy
    public let requestedBy: String
    public let requestedAt: Date
    public var status: DeployStatus = .requested
    /// The version of the deploy's stream (its last event's): what a decision about it expects.
    public var streamVersion: Int64 = 0
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why the deploy ended as it did (empty while running).
    public var outcomeReason: String = ""
    /// Stages in pipeline order.
    public var stages: [StageState]
    public var checklists: [ChecklistState]
    public var approvals: [Approval] = []
    /// Gates opened by the executor once their conditions held.
    public var openedGates: Set<String> = []
    /// Gates forced open by an emergency override.
    public var overrides: [String: GateOverride] = [:]
    public var metrics: [String: MetricSeries] = [:]
    /// Metric names in the order they first appeared.
    public var metricOrder: [String] = []
    public var rollback: RollbackState?
    /// A request to stop the deploy where it is (not a rollback).
    public var cancelRequest: CancelRequest?
    /// Who decided what: requests, ticks, approvals, overrides, rollbacks, outcomes.
    public var audit: [AuditEntry] = []
    /// The version to roll back to, as known when the deploy was requested.
    public var rollbackTarget: String?

    /// A newly requested deploy.
    public init(id: DeployID, environment: String, version: String, policy: DeployPolicy,
                requestedBy: String, requestedAt: Date, rollbackTarget: String?, logCapacity: Int) {
        self.init(restoring: id, environment: environment, version: version, policy: policy, requestedBy: requestedBy,
                  requestedAt: requestedAt)
        self.rollbackTarget = rollbackTarget
        stages = policy.stages.map { StageState(id: $0.id, summary: $0.summary, needs: $0.needs, logCapacity: logCapacity) }
        checklists = policy.checklists.map(ChecklistState.init(spec:))
    }

    /// A deploy with no stages or checklists yet, whose fields the caller sets: what
    /// `StateCodec` wrote.
    init(restoring id: DeployID, environment: String, version: String, policy: DeployPolicy,
         requestedBy: String, requestedAt: Date) {
        self.id = id
        self.environment = environment
        self.version = version
        self.policy = policy
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        stages = []
        checklists = []
    }

    /// The stage with `id`, if the deploy has one.
    public func stage(_ id: String) -> StageState? {
        stages.first { $0.id == id }
    }

    /// The checklist with `id`, if the deploy has one.
    public func checklist(_ id: String) -> ChecklistState? {
        checklists.first { $0.id == id }
    }

    // MARK: - Folding helpers used by the reducer

    /// Runs `body` on the stage `id`, adding it at the end if the policy did not list it.
    mutating func withStage(_ id: String, logCapacity: Int, _ body: (inout StageState) -> Void) {
        if let position = stages.firstIndex(where: { $0.id == id }) {
            body(&stages[position])
        } else {
            stages.append(StageState(id: id, logCapacity: logCapacity))
            body(&stages[stages.count - 1])
        }
    }

    /// Runs `body` on the checklist item, if it exists. Returns whether it did.
    @discardableResult
    mutating func withItem(_ checklist: String, _ item: String, _ body: (inout ChecklistItemState) -> Void) -> Bool {
        guard let list = checklists.firstIndex(where: { $0.id == checklist }),
              let position = checklists[list].items.firstIndex(where: { $0.spec.id == item }) else { return false }
        body(&checklists[list].items[position])
        return true
    }
}
