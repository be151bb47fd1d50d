/// The stable numeric code and name of each event kind, as written in the log.
///
/// Codes are append-only: never reuse or renumber one, or old logs change meaning.
public enum EventKind: UInt16, Sendable, CaseIterable {
    case deployRequested = 1, deployStarted = 2, deployFinished = 3, cancelRequested = 4
    case stageQueued = 10, stageStarted = 11, stageProgressed = 12, stageLogged = 13
    case stageSucceeded = 14, stageFailed = 15, stageSkipped = 16, stageCancelled = 17, stageOutputOmitted = 18
    case checklistItemTicked = 20, checklistItemUnticked = 21, checklistItemVerified = 22
    case approvalGiven = 23, approvalRevoked = 24, gateOpened = 25
    case metricSampled = 30, thresholdCrossed = 31
    case rollbackRequested = 40, rollbackStarted = 41, rollbackFinished = 42
    case leaseAcquired = 50, leaseReleased = 51
    case environmentClaimed = 60, environmentObserved = 61, environmentVerified = 62

    /// The kind's name as shown in exports, e.g. `stage.progressed`.
    public var name: String {
        switch self {
        case .deployRequested: "deploy.requested"
        case .deployStarted: "deploy.started"
        case .deployFinished: "deploy.finished"
        case .cancelRequested: "deploy.cancel-requested"
        case .environmentClaimed: "environment.claimed"
        case .environmentObserved: "environment.observed"
        case .environmentVerified: "environment.verified"
        case .stageQueued: "stage.queued"
        case .stageStarted: "stage.started"
        case .stageProgressed: "stage.progressed"
        case .stageLogged: "stage.logged"
        case .stageSucceeded: "stage.succeeded"
        case .stageFailed: "stage.failed"
        case .stageSkipped: "stage.skipped"
        case .stageCancelled: "stage.cancelled"
        case .stageOutputOmitted: "stage.output-omitted"
        case .checklistItemTicked: "checklist.ticked"
        case .checklistItemUnticked: "checklist.unticked"
        case .checklistItemVerified: "checklist.verified"
        case .approvalGiven: "approval.given"
        case .approvalRevoked: "approval.revoked"
        case .gateOpened: "gate.opened"
        case .metricSampled: "metric.sampled"
        case .thresholdCrossed: "metric.threshold-crossed"
        case .rollbackRequested: "rollback.requested"
        case .rollbackStarted: "rollback.started"
        case .rollbackFinished: "rollback.finished"
        case .leaseAcquired: "lease.acquired"
        case .leaseReleased: "lease.released"
        }
    }
}

extension EventPayload {
    /// The payload's kind, or nil for `.unrecognized`.
    public var kind: EventKind? {
        switch self {
        case .deployRequested: .deployRequested
        case .deployStarted: .deployStarted
        case .deployFinished: .deployFinished
        case .cancelRequested: .cancelRequested
        case .environmentClaimed: .environmentClaimed
        case .environmentObserved: .environmentObserved
        case .environmentVerified: .environmentVerified
        case .stageQueued: .stageQueued
        case .stageStarted: .stageStarted
        case .stageProgressed: .stageProgressed
        case .stageLogged: .stageLogged
        case .stageSucceeded: .stageSucceeded
        case .stageFailed: .stageFailed
        case .stageSkipped: .stageSkipped
        case .stageCancelled: .stageCancelled
        case .stageOutputOmitted: .stageOutputOmitted
        case .checklistItemTicked: .checklistItemTicked
        case .checklistItemUnticked: .checklistItemUnticked
        case .checklistItemVerified: .checklistItemVerified
        case .approvalGiven: .approvalGiven
        case .approvalRevoked: .approvalRevoked
        case .gateOpened: .gateOpened
        case .metricSampled: .metricSampled
        case .thresholdCrossed: .thresholdCrossed
        case .rollbackRequested: .rollbackRequested
        case .rollbackStarted: .rollbackStarted
        case .rollbackFinished: .rollbackFinished
        case .leaseAcquired: .leaseAcquired
        case .leaseReleased: .leaseReleased
        case .unrecognized: nil
        }
    }

    /// The numeric code written to the log.
    public var kindCode: UInt16 {
        if case .unrecognized(let kind, _) = self { return kind }
        return kind?.rawValue ?? 0
    }

    /// Intents and decisions: people's acts and the facts that decide a deploy's fate.
    /// A store makes these durable (fsynced) before an append that holds one returns.
    public var isDecision: Bool {
        switch self {
        case .deployRequested, .deployFinished, .cancelRequested, .environmentClaimed, .environmentObserved, .environmentVerified,
             .checklistItemTicked, .checklistItemUnticked,
             .checklistItemVerified, .approvalGiven, .approvalRevoked, .gateOpened,
             .rollbackRequested, .rollbackStarted, .rollbackFinished, .leaseAcquired, .leaseReleased,
             .stageFailed, .stageSucceeded, .stageCancelled:
            true
        case .deployStarted, .stageQueued, .stageStarted, .stageProgressed, .stageLogged, .stageOutputOmitted,
             .stageSkipped, .metricSampled, .thresholdCrossed, .unrecognized:
            false
        }
    }
}
