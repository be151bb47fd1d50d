import Foundation

extension DeployState {
    /// Folds one of this deploy's events (not the high-volume ones the reducer handles inline).
    mutating func apply(_ event: Event, logCapacity: Int, metricCapacity: Int) {
        let time = event.time
        switch event.payload {
        case .deployStarted:
            if status == .requested { status = .running }
            if startedAt == nil { startedAt = time }
            audit(event, .deployStarted, "started deploy")
        case .deployFinished(let outcome, let reason):
            status = switch outcome {
            case .succeeded: .succeeded
            case .failed: .failed
            case .rolledBack: .rolledBack
            case .cancelled: .cancelled
            case .interrupted: .interrupted
            }
            finishedAt = time
            outcomeReason = reason
            audit(event, .deployFinished, reason.isEmpty ? "deploy \(status.rawValue)" : "deploy \(status.rawValue): \(reason)")
        case .stageQueued(let stage):
            withStage(stage, logCapacity: logCapacity) { if $0.status == .pending { $0.status = .queued } }
        case .stageStarted(let stage, let command):
            withStage(stage, logCapacity: logCapacity) {
                $0.status = .running
                if $0.startedAt == nil { $0.startedAt = time }
                $0.finishedAt = nil
                if !command.isEmpty { $0.command = command }
            }
        case .stageSucceeded(let stage):
            finishStage(stage, .succeeded, reason: "", at: time, logCapacity: logCapacity)
        case .stageFailed(let stage, let reason):
            finishStage(stage, .failed, reason: reason, at: time, logCapacity: logCapacity)
        case .stageSkipped(let stage, let reason):
            finishStage(stage, .skipped, reason: reason, at: time, logCapacity: logCapacity)
        case .stageCancelled(let stage, let reason):
            finishStage(stage, .cancelled, reason: reason, at: time, logCapacity: logCapacity)
        case .checklistItemTicked(let list, let item, let note):
            let found = withItem(list, item) {
                $0.done = true
                $0.by = event.actor
                $0.at = time
                $0.evidence = note
                $0.verificationFailed = false
            }
            if found { audit(event, .checklistItemTicked, "ticked \(list)/\(item)" + quoted(note)) }
        case .checklistItemUnticked(let list, let item, let note):
            let found = withItem(list, item) {
                $0.done = false
                $0.by = event.actor
                $0.at = time
                $0.evidence = ""
            }
            if found { audit(event, .checklistItemUnticked, "unticked \(list)/\(item)" + quoted(note)) }
        case .checklistItemVerified(let list, let item, let passed, let evidence):
            let found = withItem(list, item) {
                $0.done = passed
                $0.verificationFailed = !passed
                $0.by = event.actor
                $0.at = time
                $0.evidence = evidence
            }
            if found { audit(event, .checklistItemVerified, "verified \(list)/\(item): \(passed ? "passed" : "failed")") }
        case .approvalGiven(let scope, let comment):
            approvals.removeAll { $0.scope == scope && $0.by == event.actor }
            approvals.append(Approval(scope: scope, by: event.actor, at: time, comment: comment))
            audit(event, .approvalGiven, "approved \(scope)" + quoted(comment))
        case .approvalRevoked(let scope, let comment):
            approvals.removeAll { $0.scope == scope && $0.by == event.actor }
            audit(event, .approvalRevoked, "revoked approval of \(scope)" + quoted(comment))
        case .gateOpened(let gate, let overrideReason):
            openedGates.insert(gate)
            if overrideReason.isEmpty {
                audit(event, .gateOpened, "gate \(gate) opened")
            } else {
                overrides[gate] = GateOverride(by: event.actor, at: time, reason: overrideReason)
                audit(event, .gateOpened, "OVERRODE gate \(gate): \"\(overrideReason)\"")
            }
        case .thresholdCrossed(let metric, let level, let value, let threshold):
            ensureMetric(metric, capacity: metricCapacity)
            metrics[metric]?.level = level
            metrics[metric]?.crossedThreshold = threshold
            if level == .critical {
                audit(event, .thresholdCrossed, "\(metric) \(value) crossed critical \(threshold)")
            }
        case .cancelRequested(let reason):
            cancelRequest = CancelRequest(by: event.actor, at: time, reason: reason)
            audit(event, .cancelRequested, "requested cancel" + (reason.isEmpty ? "" : ": \(reason)"))
        case .rollbackRequested(let reason):
            rollback = RollbackState(requestedBy: event.actor, requestedAt: time, reason: reason)
            audit(event, .rollbackRequested, "requested rollback" + (reason.isEmpty ? "" : ": \(reason)"))
        case .rollbackStarted(let target, let method):
            if rollback == nil { rollback = RollbackState(requestedBy: event.actor, requestedAt: time, reason: "") }
            rollback?.targetVersion = target
            rollback?.method = method
            rollback?.startedAt = time
            if !status.isFinished || status == .succeeded { status = .rollingBack }
            audit(event, .rollbackStarted, "rollback to \(target) started (\(method))")
        case .rollbackFinished(let succeeded, let version, let reason):
            if rollback == nil { rollback = RollbackState(requestedBy: event.actor, requestedAt: time, reason: "") }
            rollback?.finishedAt = time
            rollback?.succeeded = succeeded
            if !version.isEmpty { rollback?.targetVersion = version }
            if succeeded, status == .rollingBack { status = .rolledBack }
            let text = succeeded ? "rolled back to \(version)" : "rollback failed"
            audit(event, .rollbackFinished, reason.isEmpty ? text : "\(text): \(reason)")
        case .stageLogged, .stageProgressed, .stageOutputOmitted, .environmentClaimed, .environmentObserved, .environmentVerified,
             .metricSampled, .deployRequested, .leaseAcquired, .leaseReleased, .unrecognized:
            break
        }
    }

    mutating func sample(_ metric: String, value: Double, at time: Date, capacity: Int) {
        ensureMetric(metric, capacity: capacity)
        metrics[metric]?.append(MetricSeries.Sample(time: time, value: value))
    }

    /// Adds the series of a metric the policy names, with its thresholds, before any sample.
    mutating func plan(_ metric: MetricPlan, capacity: Int) {
        guard metrics[metric.name] == nil else { return }
        metrics[metric.name] = MetricSeries(capacity: capacity, plan: metric)
        metricOrder.append(metric.name)
    }

    private mutating func ensureMetric(_ metric: String, capacity: Int) {
        if metrics[metric] == nil {
            metrics[metric] = MetricSeries(capacity: capacity)
            metricOrder.append(metric)
        }
    }

    private mutating func finishStage(_ stage: String, _ status: StageStatus, reason: String, at time: Date,
                                      logCapacity: Int) {
        withStage(stage, logCapacity: logCapacity) {
            $0.status = status
            $0.reason = reason
            $0.finishedAt = time
        }
    }

    private mutating func audit(_ event: Event, _ kind: EventKind, _ text: String) {
        audit.append(AuditEntry(seq: event.seq, time: event.time, actor: event.actor, kind: kind, text: text))
    }

    private func quoted(_ note: String) -> String {
        note.isEmpty ? "" : ": \"\(note)\""
    }
}
