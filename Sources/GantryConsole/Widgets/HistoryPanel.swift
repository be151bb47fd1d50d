import Foundation
import GantryCore

/// An environment's past deploys, newest first: version, outcome (succeeded, failed, rolled back
/// automatically or by whom, and why), duration, who requested and who approved, and when.
/// Enter opens one read-only at its events (time travel); `d` deploys its version again.
public enum HistoryPanel {
    /// One row of the history.
    public struct Row: Equatable, Sendable {
        public var deploy: DeployID
        public var version: String
        public var icon: String
        public var outcome: String
        public var role: ThemeRole
        public var took: String
        public var requestedBy: String
        public var approvedBy: String
        public var at: Date
        /// Why it ended as it did (the failure or the rollback's reason), "" when it succeeded.
        public var why: String
    }

    /// The rows for `environment`, newest first.
    public static func rows(_ model: ConsoleModel, environment: String) -> [Row] {
        let glyphs = model.glyphs
        let ids = model.state.environments[environment]?.deploys ?? []
        return ids.reversed().compactMap { model.state.deploys[$0] }.map { deploy in
            var (icon, role) = EnvironmentsPanel.statusIcon(deploy.status, glyphs: glyphs)
            var outcome = deploy.status.rawValue
            var why = deploy.outcomeReason
            if let rollback = deploy.rollback, deploy.status == .rolledBack || deploy.status == .rollingBack {
                if rollback.isAutomatic {
                    outcome = deploy.status == .rolledBack ? "rolled back automatically" : "rolling back automatically"
                } else {
                    (icon, role) = (glyphs.cancelled, .warn)
                    outcome = (deploy.status == .rolledBack ? "rolled back by " : "rolling back by ") + rollback.requestedBy
                }
                if why.isEmpty || why == rollback.reason { why = rollback.cause }
            }
            if deploy.status == .failed, why.isEmpty,
               let failed = deploy.stages.first(where: { $0.status == .failed }) {
                why = "\(failed.id): \(failed.reason)"
            }
            if deploy.status == .cancelled, let cancel = deploy.cancelRequest { outcome = "cancelled by \(cancel.by)" }
            let end = deploy.finishedAt ?? (deploy.status.isFinished ? nil : model.now)
            let took = deploy.startedAt.flatMap { start in end.map { TextFormat.duration($0.timeIntervalSince(start)) } } ?? "-"
            let approvers = deploy.approvals.map(\.by)
            return Row(deploy: deploy.id, version: deploy.version, icon: icon, outcome: outcome, role: role, took: took,
                       requestedBy: deploy.requestedBy, approvedBy: approvers.isEmpty ? "-" : approvers.joined(separator: ", "),
                       at: deploy.requestedAt, why: why)
        }
    }

    public static func title(_ environment: String, count: Int, glyphs: Glyphs) -> String {
        "History \(glyphs.separator) \(environment) \(glyphs.separator) \(count) deploy\(count == 1 ? "" : "s")"
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, environment: String, theme: Theme) {
        let glyphs = model.glyphs
        let all = rows(model, environment: environment)
        let inner = Box.draw(&buffer, rect, title: title(environment, count: all.count, glyphs: glyphs), focused: true,
                             theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        guard !all.isEmpty else {
            buffer.put("no deploys to \(environment) yet", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        let versionWidth = min(max(all.map { CharacterWidth.of($0.version) }.max() ?? 0, 7), 20)
        let outcomeWidth = min(max(all.map { CharacterWidth.of($0.outcome) }.max() ?? 0, 9), 30)
        let wide = inner.width >= 110
        // Header row.
        var header = "  " + TextFormat.pad("version", versionWidth) + "   " + TextFormat.pad("outcome", outcomeWidth) + " "
            + TextFormat.pad("took", 7) + " "
        header += wide ? TextFormat.pad("requested", 12) + " " + TextFormat.pad("approved", 14) + " " + TextFormat.pad("when (UTC)", 17) + " why"
            : TextFormat.pad("by", 10) + " why"
        buffer.put(TextFormat.fit(header, inner.width), x: inner.x, y: inner.y, style: theme[.muted].adding(.bold))
        let visible = inner.height - 1
        guard visible > 0 else { return }
        let selected = min(max(0, model.ui.historyRow), all.count - 1)
        let first = max(0, selected - visible + 1)
        for (offset, index) in (first..<all.count).prefix(visible).enumerated() {
            let row = all[index]
            let y = inner.y + 1 + offset
            let isSelected = index == selected
            let base = isSelected ? theme[.selected] : theme[.text]
            buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", style: base))
            var x = inner.x
            x += buffer.put(isSelected ? glyphs.selected + " " : "  ", x: x, y: y, style: base)
            x += buffer.put(TextFormat.pad(row.version, versionWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base)
            x += buffer.put(row.icon + " ", x: x, y: y, style: isSelected ? base : theme[row.role])
            x += buffer.put(TextFormat.pad(row.outcome, outcomeWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y,
                            style: isSelected ? base : theme[row.role])
            x += buffer.put(TextFormat.pad(row.took, 7) + " ", x: x, y: y, style: base)
            if wide {
                x += buffer.put(TextFormat.pad(row.requestedBy, 12, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base)
                x += buffer.put(TextFormat.pad(row.approvedBy, 14, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base)
                x += buffer.put(TextFormat.pad(TextFormat.day(row.at), 17) + " ", x: x, y: y, style: isSelected ? base : theme[.muted])
            } else {
                x += buffer.put(TextFormat.pad(row.requestedBy, 10, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base)
            }
            if x < inner.maxX {
                buffer.put(TextFormat.fit(SafeText.sanitize(row.why), inner.maxX - x, ellipsis: glyphs.ellipsis), x: x, y: y,
                           style: isSelected ? base : theme[.muted])
            }
        }
    }
}
