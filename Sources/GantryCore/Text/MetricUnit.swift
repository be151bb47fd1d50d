import Foundation

/// What a metric's numbers mean, so that every place shows them alike: the metric row, the
/// status line, the executor's reason for a rollback, `gantry show`.
public enum MetricUnit: String, Sendable, Equatable, CaseIterable {
    /// A fraction 0...1 (error ratio), shown as a percentage: `4.1%`.
    case ratio
    /// A duration in seconds (latency), shown as `12 ms` or `1.2 s`.
    case seconds
    /// A count (ready replicas, restarts), shown as a whole number.
    case count
    /// Unknown (a Prometheus query with no `unit:`): the number as it is.
    case none = ""

    /// `value` in this unit, short and locale-free.
    public func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "-" : (value > 0 ? "∞" : "-∞") }
        switch self {
        case .ratio:
            let percent = value * 100
            return Self.trim(percent, decimals: abs(percent) < 0.1 && percent != 0 ? 2 : 1) + "%"
        case .seconds:
            let ms = value * 1000
            if abs(ms) < 1000 { return Self.trim(ms, decimals: abs(ms) < 10 ? 1 : 0) + " ms" }
            return Self.trim(value, decimals: abs(value) < 10 ? 1 : 0) + " s"
        case .count:
            return Self.trim(value, decimals: value == value.rounded() ? 0 : 1)
        case .none:
            return EventPayload.format(value)
        }
    }

    /// `value` with at most `decimals` decimals, trailing zeros dropped (`15`, `4.1`, `0.25`).
    static func trim(_ value: Double, decimals: Int) -> String {
        // Integer arithmetic, not String(format:): this runs for every metric of every frame.
        var scale: Int64 = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        guard abs(value) < 1e15 / Double(scale) else { return String(value) }
        let scaled = Int64((abs(value) * Double(scale)).rounded())
        var whole = String(scaled / scale)
        let fraction = scaled % scale
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: max(0, decimals - digits.count)) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            whole += "." + digits
        }
        return value < 0 && (scaled != 0) ? "-" + whole : whole
    }
}
