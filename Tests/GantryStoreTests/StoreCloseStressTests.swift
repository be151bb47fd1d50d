import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import XCTest

/// Closing a store never races its subscription thread: no read outlives `close()`.
final class StoreCloseStressTests: XCTestCase {
    let directory = TemporaryDirectory("close")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    /// Opens, subscribes, appends from another handle and closes, thousands of times. Before the
    /// hub waited for its thread, this crashed inside GRDB's `DatabasePool.read` within a few
    /// hundred rounds (the thread read from a pool `close()` had already closed).
    func testOpenSubscribeAppendCloseThousandsOfTimes() async throws {
        let path = directory.path("events.sqlite")
        let writer = try SQLiteEventStore(path: path)
        defer { writer.close() }
        var delivered = 0
        let rounds = 2_000
        for round in 0..<rounds {
            let reader = try SQLiteEventStore(path: path, readOnly: round % 2 == 0)
            let after = try reader.lastSeq()
            let stream = reader.subscribe(after: after)
            let consumer = Task { () -> Int in
                var seen = 0
                do { for try await _ in stream { seen += 1 } } catch {}
                return seen
            }
            _ = try writer.append(EventSamples.logLines(1, from: round), expected: .any)
            switch round % 4 {
            case 0:
                // Close while the thread may be reading the new row.
                reader.close()
            case 1:
                // Close while the thread may be just starting.
                await Task.yield()
                reader.close()
            case 2:
                // End the subscription first, then close.
                consumer.cancel()
                reader.close()
            default:
                // Wait for the event, then close with the thread idle.
                let deadline = Date(timeIntervalSinceNow: 10)
                while reader.subscriptionCount > 0, try reader.lastSeq() == after, Date() < deadline { await Task.yield() }
                try await Task.sleep(nanoseconds: 2_000_000)
                reader.close()
            }
            delivered += await consumer.value
            XCTAssertEqual(reader.subscriptionCount, 0, "round \(round): close ends every subscription")
        }
        XCTAssertEqual(try writer.lastSeq(), Int64(rounds))
        // Not a timing assertion: only that subscriptions did deliver while they lived.
        XCTAssertGreaterThan(delivered, 0)
    }

    /// Closing twice (and the deinit after it) returns at once.
    func testClosingTwiceReturns() throws {
        let path = directory.path("twice.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = store.subscribe(after: 0)
        store.close()
        store.close()
        XCTAssertEqual(store.subscriptionCount, 0)
    }
}
