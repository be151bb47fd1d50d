import GantryCore

/// Why a stage or a deploy stopped, in words an operator can act on.
public enum ExecutorError: Error, Equatable, CustomStringConvertible {
    case commandFailed(command: String, status: Int32, lastLine: String)
    case timedOut(command: String, seconds: Double)
    case progressDeadline(String)
    /// The rollout was not complete when the stage's timeout came: stuck, a progress failure.
    case rolloutStuck(seconds: Double, waiting: String)
    case criticalMetric(metric: String, value: Double, threshold: Double, lowerIsWorse: Bool = false, unit: MetricUnit = .none,
                        note: String = "")
    case healthFailed(String)
    case rollbackRequested(by: String, reason: String)
    case cancelled(String)
    case refused(String)
    case store(String)

    public var description: String {
        switch self {
        case .commandFailed(let command, let status, let lastLine):
            "`\(command)` exited with status \(status)" + (lastLine.isEmpty ? "" : ": \(lastLine)")
        case .timedOut(let command, let seconds):
            "`\(command)` did not finish within \(Int(seconds))s and was killed"
        case .progressDeadline(let detail): "rollout exceeded its progress deadline: \(detail)"
        case .rolloutStuck(let seconds, let waiting): "rollout not complete within the stage's \(Int(seconds))s timeout: \(waiting)"
        case .criticalMetric(let metric, let value, let threshold, let lowerIsWorse, let unit, let note):
            // A metric where lower is worse (ready replicas) breaches its threshold from below.
            "\(metric) \(unit.format(value)) \(lowerIsWorse ? "at or below" : ">") critical \(unit.format(threshold))"
                + (note.isEmpty ? "" : " (\(note))")
        case .healthFailed(let detail): "health check failed: \(detail)"
        case .rollbackRequested(let by, let reason): "rollback requested by \(by)" + (reason.isEmpty ? "" : ": \(reason)")
        case .cancelled(let detail): "cancelled: \(detail)"
        case .refused(let detail): detail
        case .store(let detail): "event store: \(detail)"
        }
    }

    /// Which automatic-rollback trigger this failure is, if any.
    var trigger: String? {
        switch self {
        case .progressDeadline, .rolloutStuck: "progress-deadline"
        case .criticalMetric: "critical-metric"
        case .healthFailed: "failed-health"
        default: nil
        }
    }
}
