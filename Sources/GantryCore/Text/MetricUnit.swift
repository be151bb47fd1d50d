import Foundation

/// What a metric's numbers mean, so that every place shows them alike: the metric row, the
/// status line, the executor's reason for a rollback, `gantry show`.
public enum MetricUnit: String, Sendable, Equatable, Codable, CaseIterable {
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
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
