import Foundation

/// When Gantry rolls back on its own.
public struct RollbackPolicy: Sendable, Equatable {
    /// The triggers that start an automatic rollback, in file order, without repeats.
    public var automatic: [RollbackTrigger]

    /// Creates a policy.
    public init(automatic: [RollbackTrigger]) { self.automatic = automatic }

    /// The default when the file has no `rollback:` section: every trigger (safe by default).
    public static let `default` = RollbackPolicy(automatic: RollbackTrigger.allCases)

    /// Whether `trigger` starts an automatic rollback.
    public func rollsBack(on trigger: RollbackTrigger) -> Bool { automatic.contains(trigger) }
}

/// A condition that starts an automatic rollback.
public enum RollbackTrigger: String, Sendable, Equatable, CaseIterable {
    /// A metric reached its critical threshold.
    case criticalMetric = "critical-metric"
    /// The health check failed.
    case failedHealth = "failed-health"
    /// The rollout exceeded its progress deadline.
    case progressDeadline = "progress-deadline"
}
