import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking GET for the benchmark's readings (the simulator's API and metrics, background
/// traffic): URLSession's completion handler and a semaphore, 2 s at most.
enum HTTPGet {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 2
        configuration.httpMaximumConnectionsPerHost = 8
        return URLSession(configuration: configuration)
    }()

    static func data(_ url: URL) -> Data? {
        let done = DispatchSemaphore(value: 0)
        let result = Locked<Data?>(nil)
        let task = session.dataTask(with: URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 2)) {
            data, response, _ in
            if (response as? HTTPURLResponse)?.statusCode ?? 0 > 0 { result.set(data) }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + 3) == .timedOut { task.cancel() }
        return result.get()
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ new: Value) { lock.withLock { value = new } }
}
