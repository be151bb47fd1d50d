import Foundation
import GantryCore
import GantryStore
import XCTest

extension EventStoreContract {
    // MARK: - Optimistic concurrency

    /// `.noStream` succeeds on a new stream and fails on an existing one, with its actual version.
    public func noStreamRejectsAnExistingStream() throws {
        let store = try makeSubject().store
        XCTAssertEqual(try store.append(EventSamples.logLines(2, deploy: alpha), expected: .noStream).count, 2)
        XCTAssertThrowsError(try store.append(EventSamples.logLines(1, deploy: alpha), expected: .noStream)) { error in
            XCTAssertEqual(error as? StoreError, .conflict(deploy: alpha, expected: .noStream, actual: 2))
        }
        XCTAssertEqual(try store.append(EventSamples.logLines(1, deploy: beta), expected: .noStream).first?.seq, 3)
    }

    /// `.exact(v)` succeeds only at version v; the conflict carries the actual version.
    public func exactVersionDetectsConflicts() throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(3, deploy: alpha), expected: .exact(0))
        XCTAssertEqual(try store.append(EventSamples.tick("tests", deploy: alpha), expected: .exact(3)).streamVersion, 4)
        XCTAssertThrowsError(try store.append(EventSamples.tick("backup", deploy: alpha), expected: .exact(3))) { error in
            XCTAssertEqual(error as? StoreError, .conflict(deploy: alpha, expected: .exact(3), actual: 4))
        }
        XCTAssertThrowsError(try store.append(EventSamples.tick("backup", deploy: beta), expected: .exact(1))) { error in
            XCTAssertEqual(error as? StoreError, .conflict(deploy: beta, expected: .exact(1), actual: 0))
        }
    }

    /// A failed append (conflict or mixed streams) writes nothing at all.
    public func failedAppendsWriteNothing() throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(2, deploy: alpha), expected: .any)
        XCTAssertThrowsError(try store.append(EventSamples.logLines(50, deploy: alpha), expected: .exact(1)))
        let mixed = EventSamples.logLines(2, deploy: alpha) + EventSamples.logLines(2, deploy: beta)
        XCTAssertThrowsError(try store.append(mixed, expected: .exact(2))) { error in
            XCTAssertEqual(error as? StoreError, .mixedStreams)
        }
        XCTAssertThrowsError(try store.append(mixed, expected: .noStream))
        XCTAssertEqual(try store.lastSeq(), 2)
        XCTAssertEqual(try store.streamVersion(beta), 0)
        // Mixed streams are fine when nothing is expected.
        XCTAssertEqual(try store.append(mixed, expected: .any).map(\.streamVersion), [3, 4, 1, 2])
    }

    // MARK: - Concurrent writers

    /// Several threads appending at once: every event lands once, batches stay whole and in order.
    public func concurrentWritersLoseNothing() throws {
        let store = try makeSubject().store
        let workers = 4, appends = 40, batch = 3
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let deploy = DeployID("worker-\(worker)")
            for n in 0..<appends {
                do {
                    _ = try store.append(EventSamples.logLines(batch, deploy: deploy, from: n * batch), expected: .any)
                } catch { failures.add("worker \(worker): \(error)") }
            }
        }
        XCTAssertEqual(failures.all, [])
        let events = try store.read(after: 0, limit: 100_000)
        XCTAssertEqual(events.map(\.seq), Array(1...Int64(workers * appends * batch)))
        for worker in 0..<workers {
            let stream = events.filter { $0.deploy == DeployID("worker-\(worker)") }
            XCTAssertEqual(stream.map(\.streamVersion), Array(1...Int64(appends * batch)))
            XCTAssertEqual(stream.map(\.payload), EventSamples.logLines(appends * batch).map(\.payload))
            for start in stride(from: 0, to: stream.count, by: batch) {
                XCTAssertEqual(stream[start + batch - 1].seq - stream[start].seq, Int64(batch - 1), "a batch was split")
            }
        }
    }

    /// Several threads appending to one deploy with `.exact`: conflicts happen, retries succeed,
    /// and the stream ends with every event exactly once.
    public func concurrentOptimisticWritersSerialise() throws {
        let store = try makeSubject().store
        let workers = 4, appends = 25
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var written = 0
            while written < appends {
                do throws(StoreError) {
                    let version = try store.streamVersion(alpha)
                    _ = try store.append(EventSamples.tick("w\(worker)-\(written)", deploy: alpha), expected: .exact(version))
                    written += 1
                } catch .conflict {
                    continue
                } catch {
                    failures.add("worker \(worker): \(error)")
                    return
                }
            }
        }
        XCTAssertEqual(failures.all, [])
        let stream = try store.readStream(alpha)
        XCTAssertEqual(stream.map(\.streamVersion), Array(1...Int64(workers * appends)))
        let items = stream.compactMap { event -> String? in
            if case .checklistItemTicked(_, let item, _) = event.payload { return item } else { return nil }
        }
        XCTAssertEqual(Set(items).count, workers * appends)
    }
}

/// Failures collected from worker threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
