import Foundation
import NIOConcurrencyHelpers

/// Request counters and latency histograms of service traffic, rendered in the Prometheus text format.
public final class TrafficMetrics: @unchecked Sendable {
    struct Series: Hashable {
        let cluster, namespace, service, version: String
    }

    /// Histogram bucket bounds in seconds.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: TrafficMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private let lock = NIOLock()
    private var requests: [Series: [Int: Int]] = [:]
    private var latency: [Series: Histogram] = [:]
    /// When each series first answered 5xx (unix seconds): when a bad version began to hurt.
    private var firstError: [Series: Double] = [:]

    init() {}

    /// Records one request answered with `code` after `seconds`.
    func record(_ s: Series, code: Int, seconds: Double) {
        lock.withLock {
            requests[s, default: [:]][code, default: 0] += 1
            if code >= 500, firstError[s] == nil { firstError[s] = Date().timeIntervalSince1970 }
            var h = latency[s] ?? Histogram()
            for (i, b) in Self.buckets.enumerated() where seconds <= b { h.counts[i] += 1 }
            h.sum += seconds
            h.count += 1
            latency[s] = h
        }
    }

    /// Total requests recorded for a service (all versions), by status code.
    public func requestCounts(cluster: String, namespace: String, service: String) -> [String: [Int: Int]] {
        lock.withLock {
            var out: [String: [Int: Int]] = [:]
            for (s, codes) in requests where s.cluster == cluster && s.namespace == namespace && s.service == service {
                out[s.version] = codes
            }
            return out
        }
    }

    private static func labels(_ s: Series) -> String {
        "cluster=\"\(escape(s.cluster))\",namespace=\"\(escape(s.namespace))\",service=\"\(escape(s.service))\",version=\"\(escape(s.version))\""
    }

    private static func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// The Prometheus exposition text.
    public func render() -> String {
        lock.withLock {
            var out = "# HELP http_requests_total Requests served by simulated services.\n# TYPE http_requests_total counter\n"
            for s in requests.keys.sorted(by: { Self.labels($0) < Self.labels($1) }) {
                for (code, n) in (requests[s] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    out += "http_requests_total{\(Self.labels(s)),code=\"\(code)\"} \(n)\n"
                }
            }
            out += "# HELP http_request_duration_seconds Latency of requests served by simulated services.\n"
            out += "# TYPE http_request_duration_seconds histogram\n"
            for s in latency.keys.sorted(by: { Self.labels($0) < Self.labels($1) }) {
                guard let h = latency[s] else { continue }
                let l = Self.labels(s)
                for (i, b) in Self.buckets.enumerated() {
                    out += "http_request_duration_seconds_bucket{\(l),le=\"\(Self.number(b))\"} \(h.counts[i])\n"
                }
                out += "http_request_duration_seconds_bucket{\(l),le=\"+Inf\"} \(h.count)\n"
                out += "http_request_duration_seconds_sum{\(l)} \(h.sum)\n"
                out += "http_request_duration_seconds_count{\(l)} \(h.count)\n"
            }
            out += "# HELP sim_first_error_timestamp_seconds When each series first answered 5xx.\n"
            out += "# TYPE sim_first_error_timestamp_seconds gauge\n"
            for s in firstError.keys.sorted(by: { Self.labels($0) < Self.labels($1) }) {
                out += "sim_first_error_timestamp_seconds{\(Self.labels(s))} \(String(format: "%.3f", firstError[s] ?? 0))\n"
            }
            return out
        }
    }
}
