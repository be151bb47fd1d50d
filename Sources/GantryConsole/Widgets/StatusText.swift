import Foundation
import GantryCore

/// The one line that always says what the selected deploy waits for, or why it failed,
/// and where a rollback would go.
public enum StatusText {
    /// The blocker sentence and the role to draw it in.
    public static func blocker(_ model: ConsoleModel) -> (text: String, role: ThemeRole) {
        guard let environment = model.selectedEnvironment else {
            return ("no environments: add one to gantry.yaml", .status)
        }
        guard let deploy = model.selectedDeploy else {
            return ("no deploys to \(environment) yet" + (model.readOnly ? "" : ": press d to deploy"), .muted)
        }
        if let rollback = deploy.rollback, rollback.startedAt == nil, deploy.status != .rolledBack {
            let target = model.rollbackTarget.map { " to \($0)" } ?? ""
            return ("rollback\(target) requested by \(rollback.requestedBy)"
                + (rollback.reason.isEmpty ? "" : " (\(rollback.reason))") + ": waiting for the executor", .statusBad)
        }
        switch deploy.status {
        case .requested:
            return ("\(deploy.version) requested by \(deploy.requestedBy): waiting for the executor to pick it up", .status)
        case .running:
            if let failed = deploy.stages.first(where: { $0.status == .failed }) {
                return (failure(failed, in: deploy), .statusBad)
            }
            for (gate, status) in deploy.gateStatuses where !status.isOpen && !deploy.openedGates.contains(gate) {
                // Only a gate the deploy has reached: before it, the running stage is the news.
                guard let stage = deploy.stage(gate), stage.status == .queued || stage.status == .running else { continue }
                // Approvals first: the sentence people act on most.
                let ordered = status.blockers.filter { $0.hasPrefix("waiting for") } + status.blockers.filter { !$0.hasPrefix("waiting for") }
                return (ordered.joined(separator: "; ") + " (\(gate))", .status)
            }
            if let gate = deploy.gateStatuses.first(where: { $0.status.isOpen && !deploy.openedGates.contains($0.gate)
                && deploy.stage($0.gate)?.status.isFinished != true }) {
                return ("\(gate.gate): conditions met, waiting for the executor to open the gate", .status)
            }
            if let running = deploy.stages.last(where: { $0.status == .running }) {
                var text = "running \(running.id)"
                if let progress = running.progress { text += ": " + PipelinePanel.progressText(progress) }
                if let critical = criticalMetric(deploy) { return (critical + ": " + text, .statusBad) }
                return (text, .status)
            }
            if let next = deploy.stages.first(where: { !$0.status.isFinished }) {
                return ("waiting for \(next.id) to start", .status)
            }
            return ("running", .status)
        case .rollingBack:
            let reason = deploy.rollback?.cause ?? ""
            let target = deploy.rollback?.targetVersion ?? ""
            var text = reason.isEmpty ? "rolling back" : "\(reason): rolling back"
            if !target.isEmpty { text += " to \(target)" }
            if let method = deploy.rollback?.method, !method.isEmpty { text += " (\(method))" }
            return (text, .statusBad)
        case .succeeded:
            let took = deploy.startedAt.map { " in " + TextFormat.duration((deploy.finishedAt ?? model.now).timeIntervalSince($0)) } ?? ""
            return ("\(deploy.version) succeeded\(took)", .statusGood)
        case .rolledBack:
            let target = deploy.rollback?.targetVersion ?? ""
            let reason = deploy.outcomeReason.isEmpty ? (deploy.rollback?.reason ?? "") : deploy.outcomeReason
            return ("rolled back" + (target.isEmpty ? "" : " to \(target)") + (reason.isEmpty ? "" : ": \(reason)"), .statusBad)
        case .failed:
            if let failed = deploy.stages.first(where: { $0.status == .failed }) {
                return (failure(failed, in: deploy), .statusBad)
            }
            return ("failed" + (deploy.outcomeReason.isEmpty ? "" : ": \(deploy.outcomeReason)"), .statusBad)
        case .cancelled:
            return ("cancelled" + (deploy.outcomeReason.isEmpty ? "" : ": \(deploy.outcomeReason)"), .statusBad)
        case .interrupted:
            return ("interrupted" + (deploy.outcomeReason.isEmpty ? "" : ": \(deploy.outcomeReason)"), .statusBad)
        }
    }

    /// `stage failed: reason: last log 'line'`.
    static func failure(_ stage: StageState, in deploy: DeployState) -> String {
        var text = "\(stage.id) failed"
        if !stage.reason.isEmpty { text += ": \(stage.reason)" }
        if let last = stage.log.lines.last(where: { $0.stream != .system }) ?? stage.log.lines.last,
           !stage.reason.contains(last.text) {
            text += ": last log '\(last.text)'"
        }
        return text
    }

    static func criticalMetric(_ deploy: DeployState) -> String? {
        for name in deploy.metricOrder {
            guard let series = deploy.metrics[name], series.level == .critical, let value = series.latest else { continue }
            let comparison = series.lowerIsWorse ? "at or below" : ">"
            return "\(name) \(series.unit.format(value)) \(comparison) critical \(series.unit.format(series.crossedThreshold))"
        }
        return nil
    }

    /// `rollback → 2.0.0 (scale canary to 0)`, or nil when there is nothing to roll back to.
    public static func rollback(_ model: ConsoleModel) -> String? {
        guard let target = model.rollbackTarget else { return nil }
        let strategy = model.selectedDeploy?.policy.strategy
            ?? model.selectedEnvironment.flatMap { model.policies[$0]?.strategy } ?? ""
        let how: String = switch strategy {
        case "canary": " (scale the canary to 0)"
        case "blue-green": " (switch the service back)"
        case "rolling": " (kubectl rollout undo)"
        default: ""
        }
        return "rollback → \(target)\(how)"
    }

    /// Draws the status line. Damage to the log comes first, in red: what is shown may be out of date.
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme) {
        buffer.fill(rect, with: Cell(" ", style: theme[.text]))
        var (text, role) = blocker(model)
        if let damage = model.logDamage {
            text = damage + " " + model.glyphs.separator + " " + text
            role = .statusBad
        }
        let glyphs = model.glyphs
        let room = rect.width - 2
        let left = glyphs.adapt(text)
        var right = rollback(model).map { glyphs.adapt($0) } ?? ""
        if !right.isEmpty, CharacterWidth.of(left) + CharacterWidth.of(right) + 3 > room {
            right = model.rollbackTarget.map { glyphs.adapt("rollback → \($0)") } ?? ""
        }
        if !right.isEmpty, CharacterWidth.of(left) + CharacterWidth.of(right) + 3 > room { right = "" }
        let leftRoom = room - (right.isEmpty ? 0 : CharacterWidth.of(right) + 3)
        buffer.put(TextFormat.fit(left, leftRoom, ellipsis: glyphs.ellipsis), x: rect.x + 1, y: rect.y,
                   style: theme[role])
        if !right.isEmpty {
            buffer.put(right, x: rect.maxX - CharacterWidth.of(right) - 1, y: rect.y, style: theme[.muted])
        }
    }
}
