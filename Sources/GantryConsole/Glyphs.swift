import GantryCore

/// The characters the console draws with: Unicode, or ASCII when the locale is not UTF-8.
public struct Glyphs: Equatable, Sendable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    public var succeeded, failed, running, pending, queued, skipped, cancelled: String
    public var ticked, unticked, automatic, selected, ellipsis, separator, check: String
    /// Sparkline levels, lowest first.
    public var bars: [String]
    public var isASCII: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        succeeded: "✓", failed: "✗", running: "●", pending: "○", queued: "◌", skipped: "⊘", cancelled: "⊘",
        ticked: "[✓]", unticked: "[ ]", automatic: "⚙", selected: "▶", ellipsis: "…", separator: "·", check: "✓",
        bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], isASCII: false)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        succeeded: "+", failed: "x", running: "*", pending: "o", queued: ".", skipped: "-", cancelled: "-",
        ticked: "[x]", unticked: "[ ]", automatic: "@", selected: ">", ellipsis: "~", separator: "|", check: "ok",
        bars: ["_", ".", "-", "~", "=", "+", "#", "#"], isASCII: true)

    /// The icon of a stage status.
    public func icon(_ status: StageStatus) -> String {
        switch status {
        case .succeeded: succeeded
        case .failed: failed
        case .running: running
        case .pending: pending
        case .queued: queued
        case .skipped: skipped
        case .cancelled: cancelled
        }
    }

    /// `text` with Unicode-only marks made ASCII when needed (e.g. GateRules' "✓").
    public func adapt(_ text: String) -> String {
        guard isASCII else { return text }
        return text.replacingOccurrences(of: "✓", with: "ok").replacingOccurrences(of: "—", with: "-")
            .replacingOccurrences(of: "…", with: "...").replacingOccurrences(of: "→", with: "->")
            .replacingOccurrences(of: "↓", with: "v").replacingOccurrences(of: "↑", with: "^")
    }
}
