import Foundation

/// Who holds an environment's deploy lease.
public struct Lease: Sendable, Equatable, Codable {
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
public struct EnvironmentState: Sendable, Equatable, Codable {
    public let name: String
    /// The version believed live (after the last successful deploy or rollback).
    public var currentVersion: String?
    /// When the live version went live, and by which deploy (a stage of another environment's
    /// deploy, or a rollback, may have put it there).
    public var liveSince: Date?
    public var liveBy: DeployID?
    /// Versions that finished a deploy successfully, oldest first (bounded).
    public var knownGood: [String] = []
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

    /// The last known-good version that is not the one live now: where a rollback goes.
    public var rollbackTarget: String? {
        knownGood.last { $0 != currentVersion } ?? nil
    }

    mutating func goLive(_ version: String, at time: Date, by deploy: DeployID) {
        currentVersion = version
        liveSince = time
        liveBy = deploy
    }

    mutating func recordGood(_ version: String) {
        knownGood.removeAll { $0 == version }
        knownGood.append(version)
        if knownGood.count > Self.knownGoodLimit { knownGood.removeFirst(knownGood.count - Self.knownGoodLimit) }
    }
}
