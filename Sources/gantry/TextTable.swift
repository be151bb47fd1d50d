import Foundation
import GantryCore

/// Plain text tables and time formats for command output.
enum TextTable {
    /// Left-aligned columns separated by two spaces; no trailing spaces. Cells are made
    /// terminal-safe and kept to their first line.
    static func render(header: [String], rows: [[String]]) -> String {
        let all = ([header] + rows).map { $0.map(cell) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    private static func cell(_ text: String) -> String {
        SafeText.sanitize(text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "")
    }
}

enum TimeText {
    /// `2026-11-22 14:03:07Z`.
    static func short(_ date: Date) -> String {
        let stamp = EventJSON.timestamp(date)
        return stamp.prefix(10) + " " + stamp.dropFirst(11).prefix(8) + "Z"
    }

    /// `1m05s`, `42s`, `2h03m`, or `-` without a start.
    static func duration(from start: Date?, to end: Date?) -> String {
        guard let start, let end else { return "-" }
        return duration(end.timeIntervalSince(start))
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded()))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
