import Foundation
import GantryCore

/// Pure renderings of one deploy for `gantry show` (text) and `gantry export --format md`.
enum DeployReport {
    /// A plain-text report: header, stages, gates, checklists, approvals, metrics, audit trail.
    static func text(_ deploy: DeployState) -> String {
        var out: [String] = [
            "Deploy \(deploy.id.rawValue): \(deploy.version) to \(deploy.environment) (\(deploy.policy.strategy))",
            "Status: \(statusLine(deploy))",
            "Requested by \(deploy.requestedBy) at \(TimeText.short(deploy.requestedAt))"
                + (deploy.startedAt == nil ? "" : ", ran \(TimeText.duration(from: deploy.startedAt, to: deploy.finishedAt ?? deploy.startedAt))"),
            "Rollback target: \(deploy.rollbackTarget ?? "none (no earlier known-good version)")",
        ].map(SafeText.sanitize)
        if !deploy.stages.isEmpty {
            out.append("")
            out.append("Stages")
            out.append(indent(TextTable.render(header: ["STAGE", "STATUS", "DURATION", "DETAIL"], rows: deploy.stages.map(stageRow))))
        }
        for (gate, status) in deploy.gateStatuses {
            out.append("")
            out.append(SafeText.sanitize("Gate \(gate): \(status.summary)"))
        }
        for list in deploy.checklists {
            out.append("")
            out.append(SafeText.sanitize("Checklist \(list.id)"))
            out.append(indent(TextTable.render(header: ["", "ITEM", "TEXT", "BY", "EVIDENCE"], rows: list.items.map(itemRow))))
        }
        if !deploy.approvals.isEmpty {
            out.append("")
            out.append("Approvals")
            for approval in deploy.approvals {
                out.append(SafeText.sanitize("  \(approval.scope): \(approval.by) at \(TimeText.short(approval.at))"
                           + (approval.comment.isEmpty ? "" : " — \(approval.comment)")))
            }
        }
        if !deploy.metricOrder.isEmpty {
            out.append("")
            out.append("Metrics")
            for name in deploy.metricOrder {
                guard let series = deploy.metrics[name] else { continue }
                let latest = series.latest.map { EventPayload.format($0) } ?? "-"
                out.append(SafeText.sanitize("  \(name): \(latest) (\(series.level.name), \(series.totalCount) samples)"))
            }
        }
        out.append("")
        out.append("Audit trail")
        out.append(indent(TextTable.render(header: ["SEQ", "TIME", "ACTOR", "WHAT"], rows: deploy.audit.map {
            [String($0.seq), TimeText.short($0.time), $0.actor, $0.text]
        })))
        return out.joined(separator: "\n")
    }

    /// A Markdown post-deploy report with the timeline of decisions.
    static func markdown(_ deploy: DeployState) -> String {
        var out: [String] = []
        out.append("# Deploy \(md(deploy.id.rawValue))")
        out.append("")
        out.append("- **Version:** \(md(deploy.version)) to **\(md(deploy.environment))** (\(md(deploy.policy.strategy)))")
        out.append("- **Status:** \(md(statusLine(deploy)))")
        out.append("- **Requested by:** \(md(deploy.requestedBy)) at \(TimeText.short(deploy.requestedAt))")
        out.append("- **Rollback target:** \(md(deploy.rollbackTarget ?? "none"))")
        if !deploy.stages.isEmpty {
            out.append("")
            out.append("## Stages")
            out.append("")
            out.append("| Stage | Status | Duration | Detail |")
            out.append("|---|---|---|---|")
            for row in deploy.stages.map(stageRow) { out.append("| " + row.map(md).joined(separator: " | ") + " |") }
        }
        for list in deploy.checklists {
            out.append("")
            out.append("## Checklist \(md(list.id))")
            out.append("")
            out.append("| Done | Item | Text | By | Evidence |")
            out.append("|---|---|---|---|---|")
            for row in list.items.map(itemRow) { out.append("| " + row.map(md).joined(separator: " | ") + " |") }
        }
        out.append("")
        out.append("## Timeline")
        out.append("")
        out.append("| Seq | Time | Actor | What |")
        out.append("|---|---|---|---|")
        for entry in deploy.audit {
            out.append("| \(entry.seq) | \(TimeText.short(entry.time)) | \(md(entry.actor)) | \(md(entry.text)) |")
        }
        return out.joined(separator: "\n")
    }

    static func statusLine(_ deploy: DeployState) -> String {
        var line = deploy.status.rawValue
        if !deploy.outcomeReason.isEmpty { line += " — \(deploy.outcomeReason)" }
        if !deploy.status.isFinished {
            let blockers = deploy.gateStatuses.filter { !$0.status.isOpen }.flatMap(\.status.blockers)
            if !blockers.isEmpty { line += " — " + blockers.joined(separator: "; ") }
        }
        if let rollback = deploy.rollback {
            let state = rollback.succeeded.map { $0 ? "done" : "failed" } ?? "in progress"
            line += " (rollback \(state), requested by \(rollback.requestedBy)" + (rollback.reason.isEmpty ? ")" : ": \(rollback.reason))")
        }
        return line
    }

    private static func stageRow(_ stage: StageState) -> [String] {
        var detail = stage.reason
        if detail.isEmpty, let progress = stage.progress { detail = "\(progress.done)/\(progress.total) \(progress.label)" }
        if detail.isEmpty, !stage.command.isEmpty { detail = ShellQuote.join(stage.command) }
        if let omitted = stage.omittedOutput { detail += (detail.isEmpty ? "" : "; ") + omitted.description }
        return [stage.id, stage.status.rawValue, TimeText.duration(from: stage.startedAt, to: stage.finishedAt), detail]
    }

    private static func itemRow(_ item: ChecklistItemState) -> [String] {
        let mark = item.isSatisfied ? "[x]" : (item.verificationFailed ? "[!]" : "[ ]")
        let evidence = item.evidence.split(separator: "\n").first.map(String.init) ?? ""
        return [mark, item.spec.id, item.spec.text, item.by, evidence]
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    /// Escapes Markdown table syntax and makes text terminal-safe.
    private static func md(_ text: String) -> String {
        SafeText.sanitize(text).replacingOccurrences(of: "|", with: "\\|")
    }
}
