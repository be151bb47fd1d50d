import Foundation

extension EventPayload {
    /// One human line describing the event, as headless mode and `gantry show` print it.
    /// Text from outside is sanitized.
    public var summary: String {
        let text: String = switch self {
        case .deployRequested(let environment, let version, let policy):
            "deploy of \(version) to \(environment) requested (\(policy.strategy), \(policy.stages.count) stages)"
        case .deployStarted: "deploy started"
        case .deployFinished(let outcome, let reason):
            "deploy finished: \(outcome.name)" + (reason.isEmpty ? "" : " — \(reason)")
        case .stageQueued(let stage): "[\(stage)] queued"
        case .stageStarted(let stage, let command):
            "[\(stage)] started" + (command.isEmpty ? "" : ": " + ShellQuote.join(command))
        case .stageProgressed(let stage, let done, let total, let label): "[\(stage)] \(done)/\(total) \(label)"
        case .stageLogged(let stage, _, let line): "[\(stage)] \(line)"
        case .stageSucceeded(let stage): "[\(stage)] succeeded"
        case .stageFailed(let stage, let reason): "[\(stage)] FAILED: \(reason)"
        case .stageSkipped(let stage, let reason): "[\(stage)] skipped: \(reason)"
        case .stageCancelled(let stage, let reason): "[\(stage)] cancelled: \(reason)"
        case .stageOutputOmitted(let stage, let lines, let bytes):
            "[\(stage)] \(OmittedOutput.describe(lines: lines, bytes: bytes))"
        case .checklistItemTicked(let list, let item, let note):
            "ticked \(list)/\(item)" + (note.isEmpty ? "" : " (\(note))")
        case .checklistItemUnticked(let list, let item, let note):
            "unticked \(list)/\(item)" + (note.isEmpty ? "" : " (\(note))")
        case .checklistItemVerified(let list, let item, let passed, _):
            "verified \(list)/\(item): \(passed ? "passed" : "FAILED")"
        case .approvalGiven(let scope, let comment):
            "approved \(scope)" + (comment.isEmpty ? "" : " (\(comment))")
        case .approvalRevoked(let scope, let comment):
            "revoked approval of \(scope)" + (comment.isEmpty ? "" : " (\(comment))")
        case .gateOpened(let gate, let reason):
            reason.isEmpty ? "gate \(gate) opened" : "gate \(gate) OVERRIDDEN: \(reason)"
        case .metricSampled(let metric, let value): "\(metric) = \(Self.format(value))"
        case .thresholdCrossed(let metric, let level, let value, let threshold):
            "\(metric) \(Self.format(value)) is \(level.name) (threshold \(Self.format(threshold)))"
        case .rollbackRequested(let reason): "rollback requested" + (reason.isEmpty ? "" : ": \(reason)")
        case .cancelRequested(let reason): "cancel requested" + (reason.isEmpty ? "" : ": \(reason)")
        case .environmentClaimed(let environment, let deploy, let version): "\(environment) claimed by \(deploy) (\(version))"
        case .environmentObserved(let environment, let cause, let live, let deploy, let drift):
            "\(environment) runs \(live.summary)" + (cause == .reconciled ? " (reconciled)" : ", \(cause.word) by \(deploy)")
                + (drift.isEmpty ? "" : " — DRIFT: \(drift)")
        case .environmentVerified(let environment, let version, let deploy): "\(version) verified on \(environment) by \(deploy)"
        case .rollbackStarted(let target, let method): "rollback to \(target) started: \(method)"
        case .rollbackFinished(let succeeded, let version, let reason):
            (succeeded ? "rolled back to \(version)" : "rollback FAILED") + (reason.isEmpty ? "" : " — \(reason)")
        case .leaseAcquired(let environment, let holder, _): "lease on \(environment) acquired by \(holder)"
        case .leaseReleased(let environment, let holder): "lease on \(environment) released by \(holder)"
        case .unrecognized(let kind, _): "event of unknown kind \(kind) (written by a newer gantry)"
        }
        return SafeText.sanitize(text)
    }

    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }
}

extension DeployOutcome {
    /// The outcome's name, e.g. `rolled-back`.
    public var name: String {
        switch self {
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .rolledBack: "rolled-back"
        case .cancelled: "cancelled"
        case .interrupted: "interrupted"
        }
    }
}

extension ThresholdLevel {
    /// The band's name.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .warn: "warn"
        case .critical: "critical"
        }
    }
}
