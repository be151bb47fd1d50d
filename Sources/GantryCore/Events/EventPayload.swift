import Foundation

/// The vocabulary of a deploy's whole life. Cases are named in the past tense: each is a fact.
///
/// Cases are only ever added, never removed or renumbered (see `EventKind`); an event
/// written by a newer Gantry that this build does not know decodes as `.unrecognized`
/// and folds to no change, so old binaries can still read new logs.
public enum EventPayload: Sendable, Equatable {
    // MARK: - Deploy
    /// Someone asked for `version` to go to `environment`; `policy` is the pipeline's rules, frozen.
    case deployRequested(environment: String, version: String, policy: DeployPolicy)
    /// The executor picked the request up.
    case deployStarted
    /// The deploy ended.
    case deployFinished(outcome: DeployOutcome, reason: String)
    /// The actor asked to stop the deploy where it is (not a rollback): the executor stops its
    /// work and ends the deploy `cancelled`, the cluster left as the last completed step made it.
    case cancelRequested(reason: String)

    // MARK: - Stages
    case stageQueued(stage: String)
    /// A stage began; `command` is the exact argv when the stage runs one.
    case stageStarted(stage: String, command: [String])
    /// Progress of a running stage, e.g. 3 of 5 pods ready.
    case stageProgressed(stage: String, done: Int, total: Int, label: String)
    /// One line of a stage's output (already redacted and made safe by the executor).
    case stageLogged(stage: String, stream: LogStream, line: String)
    case stageSucceeded(stage: String)
    case stageFailed(stage: String, reason: String)
    case stageSkipped(stage: String, reason: String)
    case stageCancelled(stage: String, reason: String)
    /// So far `lines` lines (`bytes` bytes) of a stage's output were not stored: past the stage's
    /// budget, only the first and the last part of a chatty step's output are kept. Cumulative:
    /// the latest event of a stage holds its totals.
    case stageOutputOmitted(stage: String, lines: Int, bytes: Int)

    // MARK: - Checklists, approvals, gates
    /// A person ticked a manual item; the actor is who.
    case checklistItemTicked(checklist: String, item: String, note: String)
    case checklistItemUnticked(checklist: String, item: String, note: String)
    /// A `verify:` command ran; its output is kept as evidence.
    case checklistItemVerified(checklist: String, item: String, passed: Bool, evidence: String)
    /// The actor approved the deploy for `scope` (an environment's approvals).
    case approvalGiven(scope: String, comment: String)
    case approvalRevoked(scope: String, comment: String)
    /// A gate opened. A non-empty `overrideReason` marks an emergency override.
    case gateOpened(gate: String, overrideReason: String)

    // MARK: - Metrics
    case metricSampled(metric: String, value: Double)
    /// A metric moved into another threshold band.
    case thresholdCrossed(metric: String, level: ThresholdLevel, value: Double, threshold: Double)

    // MARK: - Rollback
    case rollbackRequested(reason: String)
    /// Rollback began towards `targetVersion` by `method` (e.g. `kubectl rollout undo deployment/web`).
    case rollbackStarted(targetVersion: String, method: String)
    case rollbackFinished(succeeded: Bool, version: String, reason: String)

    // MARK: - Environments
    /// On the environment's stream (`DeployID.environment`): `deploy` of `version` is the
    /// environment's one deploy in progress. Appended with the deploy's request, expecting the
    /// stream's version, so two racing requests cannot both be accepted.
    case environmentClaimed(environment: String, deploy: DeployID, version: String)
    /// On the environment's stream: what kubectl showed running there after `deploy` changed it
    /// (deployed or rolled back; `deploy` is empty for a reconcile). A non-empty `drift` says how
    /// the cluster differs from what Gantry last put there. The only source of "what runs where".
    case environmentObserved(environment: String, cause: LiveCause, live: LiveState, deploy: DeployID, drift: String)
    /// On the environment's stream: `version`, put there by `deploy`, passed every check of that
    /// deploy for this environment. Verified and never rolled back is known-good.
    case environmentVerified(environment: String, version: String, deploy: DeployID)

    // MARK: - Leases
    /// `holder` now holds the environment's deploy lease until `expires`.
    case leaseAcquired(environment: String, holder: String, expires: Date)
    case leaseReleased(environment: String, holder: String)

    // MARK: - Forward compatibility
    /// An event kind this build does not know (written by a newer Gantry). Folds to no change.
    case unrecognized(kind: UInt16, bytes: [UInt8])

    /// The schema version this build writes.
    public static let currentSchemaVersion: UInt16 = 1
}

/// Which output stream a log line came from.
public enum LogStream: UInt8, Sendable, Equatable, CaseIterable {
    case stdout = 0, stderr = 1, system = 2
}

/// How a deploy ended.
public enum DeployOutcome: UInt8, Sendable, Equatable, CaseIterable {
    case succeeded = 0, failed = 1, rolledBack = 2, cancelled = 3, interrupted = 4
}

/// A metric's threshold band.
public enum ThresholdLevel: UInt8, Sendable, Equatable, Comparable, CaseIterable {
    case ok = 0, warn = 1, critical = 2
    public static func < (lhs: ThresholdLevel, rhs: ThresholdLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
