import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends HTTP GETs to an endpoint and measures what came back.
public struct HTTPProbe: Sendable {
    /// The result of a burst of requests.
    public struct Sample: Sendable, Equatable {
        public var requests: Int
        public var errors: Int
        /// Latencies in seconds, sorted.
        public var latencies: [Double]
        /// The status of the last response (0 when none arrived).
        public var lastStatus: Int

        public var errorRatio: Double { requests == 0 ? 1 : Double(errors) / Double(requests) }

        /// The `p`-th percentile latency (0...1), in seconds.
        public func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let rank = Int((p * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(rank, 0), latencies.count - 1)]
        }
    }

    public let timeout: Double

    public init(timeout: Double = 5) { self.timeout = timeout }

    /// One GET; returns the status (0 on a connection error) and the latency in seconds.
    public func get(_ url: String) async -> (status: Int, seconds: Double) {
        guard let target = URL(string: url) else { return (0, 0) }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let start = ContinuousClock.now
        let (_, response) = await Self.fetch(request, session: Self.session)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let elapsed = ContinuousClock.now - start
        return (status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// `count` GETs, `concurrency` at a time; a response of 500 and above or no response is an error.
    public func burst(_ url: String, count: Int, concurrency: Int = 4) async -> Sample {
        var results: [(Int, Double)] = []
        await withTaskGroup(of: [(Int, Double)].self) { group in
            let per = max(1, count / max(1, concurrency))
            for worker in 0..<max(1, concurrency) {
                let share = worker == concurrency - 1 ? count - per * (concurrency - 1) : per
                guard share > 0 else { continue }
                group.addTask {
                    var mine: [(Int, Double)] = []
                    for _ in 0..<share where !Task.isCancelled { mine.append(await get(url)) }
                    return mine
                }
            }
            for await part in group { results += part }
        }
        let errors = results.filter { $0.0 == 0 || $0.0 >= 500 }.count
        return Sample(requests: results.count, errors: errors, latencies: results.map(\.1).sorted(),
                      lastStatus: results.last?.0 ?? 0)
    }

    /// One request through the completion-handler API, never cancelled by Swift concurrency:
    /// FoundationNetworking's async `data(for:)` cancels its task from the cancellation handler,
    /// which deadlocked a deploy here (task cancel → `URLSessionTask.cancel` → a sync onto the
    /// session's queue, under the task's status lock). A request ends by its own timeout (5 s);
    /// callers check for cancellation between requests.
    static func fetch(_ request: URLRequest, session: URLSession) async -> (Data?, URLResponse?) {
        await withCheckedContinuation { continuation in
            let task = session.dataTask(with: request) { data, response, error in
                continuation.resume(returning: error == nil ? (data, response) : (nil, nil))
            }
            task.resume()
        }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 8
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()
}
