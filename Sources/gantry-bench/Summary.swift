import Foundation

/// The figures of one run, printed at the end as one table (kept in docs/PERFORMANCE.md).
enum Summary {
    struct Row {
        var figure: String
        var value: String
        var baseline: String
        var ratio: String
        var target: String
        var met: Bool?
    }

    nonisolated(unsafe) private static var rows: [Row] = []
    private static let lock = NSLock()

    static func add(_ figure: String, _ value: String, baseline: String = "", ratio: String = "", target: String = "",
                    met: Bool? = nil) {
        lock.withLock { rows.append(Row(figure: figure, value: value, baseline: baseline, ratio: ratio, target: target, met: met)) }
    }

    /// The machine: cores and the load average now.
    static func machine() -> String {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return "\(formatter.string(from: Date())) UTC · \(ProcessInfo.processInfo.activeProcessorCount) cores · load \(load)"
    }

    /// A markdown table of every figure.
    static func print() {
        let rows = lock.withLock { Self.rows }
        guard !rows.isEmpty else { return }
        Swift.print("\nsummary (\(machine()))")
        Swift.print("| figure | value | baseline (same run) | ratio | target | |")
        Swift.print("|---|---|---|---|---|---|")
        for row in rows {
            let verdict = row.met.map { $0 ? "ok" : "MISSED" } ?? ""
            Swift.print("| \(row.figure) | \(row.value) | \(row.baseline) | \(row.ratio) | \(row.target) | \(verdict) |")
        }
    }
}
