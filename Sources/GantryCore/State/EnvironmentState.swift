import Foundation

/// Who holds an environment's deploy lease.
public struct Lease: Sendable, Equatable {
    public var holder: String
    public var acquiredAt: Date
    public var expires: Date
    public init(holder: String, acquiredAt: Date, expires: Date) {
        self.holder = holder
        self.acquiredAt = acquiredAt
        self.expires = expires
    }
}

/// One environment: what runs there, what was good, who holds it.
///
/// What runs comes only from the environment's own stream: what the executor read from the
/// cluster after each deploy, rollback and reconcile (`environment.observed`).
public struct EnvironmentState: Sendable, Equatable {
    public let name: String
    /// What kubectl last showed running, and why it was read.
    public var live: LiveState?
    public var liveCause: LiveCause?
    /// When the live workload was first seen (a later read of the same workload keeps it), and the
    /// deploy that put it there (nil when a reconcile found something Gantry did not put there).
    public var liveSince: Date?
    public var liveBy: DeployID?
    /// What the last deploy or rollback left running: what a reconcile compares the cluster with.
    public var expected: LiveState?
    /// When the cluster was last read, whatever the cause.
    public var observedAt: Date?
    /// How the cluster differs from what Gantry put there, from the last reconcile; nil when it
    /// matched (or a deploy or rollback has changed it since).
    public var drift: String?
    /// Versions verified here and never rolled back, oldest first (bounded).
    public var knownGood: [String] = []
    /// The deploy that first verified each known-good version here.
    public var verifiedBy: [String: DeployID] = [:]
    /// The deploy in progress, if any.
    public var activeDeploy: DeployID?
    /// Every deploy to this environment, oldest first.
    public var deploys: [DeployID] = []
    public var lease: Lease?
    /// The version of the environment's own stream (`DeployID.environment`), 0 before any event:
    /// what a decision about the environment expects when it is appended.
    public var streamVersion: Int64 = 0

    /// How many known-good versions are kept.
    public static let knownGoodLimit = 20

    public init(name: String) { self.name = name }

    /// The version live now (nil when never read, or when the container runs another image).
    public var currentVersion: String? {
        guard let version = live?.version, !version.isEmpty else { return nil }
        return version
    }

    /// The last known-good version that is not the one live now: where a rollback goes.
    public var rollbackTarget: String? { rollbackTarget(replacing: currentVersion) }

    /// The last known-good version other than `version`: where a rollback of `version` goes.
    public func rollbackTarget(replacing version: String?) -> String? {
        knownGood.last { $0 != version }
    }

    mutating func observe(_ observed: LiveState, cause: LiveCause, by deploy: DeployID, drift: String, at time: Date) {
        let changed = live.map { !$0.sameWorkload(as: observed) } ?? true
        switch cause {
        case .deployed, .rolledBack:
            if changed || liveBy != deploy { liveSince = time }
            liveBy = deploy
            expected = observed
        case .reconciled:
            // A reconcile that finds another workload than the last one read: something outside
            // Gantry (or an unrecorded step) put it there.
            if changed {
                liveSince = time
                liveBy = nil
            }
        }
        live = observed
        liveCause = cause
        observedAt = time
        self.drift = drift.isEmpty ? nil : drift
    }

    /// How `observed` (read from the cluster) differs from what Gantry last left running here, in
    /// words; nil when it does not, or when Gantry never deployed here.
    public func drift(from observed: LiveState) -> String? {
        guard let expected else { return nil }
        let now = observed.version.isEmpty ? observed.image : observed.version
        let then = expected.version.isEmpty ? expected.image : expected.version
        if now != then || observed.image != expected.image {
            return "\(name) runs \(now), not what Gantry deployed (\(then))"
        }
        if observed.detail != expected.detail {
            return "\(name) shows \(observed.detail.isEmpty ? "no canary or colour" : observed.detail), "
                + "Gantry left \(expected.detail.isEmpty ? "none" : expected.detail)"
        }
        if observed.revision != expected.revision, observed.revision > 0, expected.revision > 0 {
            return "\(name) is at revision \(observed.revision), Gantry left revision \(expected.revision) "
                + "(changed outside Gantry, e.g. a restart or an edit)"
        }
        return nil
    }

    mutating func recordGood(_ version: String, by deploy: DeployID) {
        knownGood.removeAll { $0 == version }
        knownGood.append(version)
        if verifiedBy[version] == nil { verifiedBy[version] = deploy }
        if knownGood.count > Self.knownGoodLimit {
            for dropped in knownGood.prefix(knownGood.count - Self.knownGoodLimit) { verifiedBy.removeValue(forKey: dropped) }
            knownGood.removeFirst(knownGood.count - Self.knownGoodLimit)
        }
    }

    /// Drops `version` from the known-good ones (it was rolled back here).
    mutating func dropGood(_ version: String) {
        knownGood.removeAll { $0 == version }
        verifiedBy.removeValue(forKey: version)
    }
}
