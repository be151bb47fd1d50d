import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import GRDB
import XCTest

/// What the SQLite store does beyond the shared contract: its file format, read-only use,
/// and the life cycle of subscriptions.
final class SQLiteEventStoreTests: XCTestCase {
    let directory = TemporaryDirectory("sqlite")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    // MARK: - Format

    func testANewStoreIsAWALDatabaseMarkedAsGantry() throws {
        let path = directory.path("nested/dirs/events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(EventSamples.tick("backup"))
        store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.read { db in
            XCTAssertEqual(try Int32.fetchOne(db, sql: "PRAGMA application_id"), 0x4761_6E74)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), 2)
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('events')"),
                           ["seq", "stream", "stream_version", "kind", "schema", "time", "actor", "payload", "crc", "hash"])
            XCTAssertEqual(try Row.fetchOne(db, sql: "SELECT stream, stream_version, kind, actor FROM events"),
                           ["stream": "staging-1", "stream_version": 1, "kind": 20, "actor": "ana"])
        }
        try queue.close()
    }

    func testTheDefaultPathIsBesideThePipelineFile() {
        XCTAssertEqual(SQLiteEventStore.defaultPath(forPipeline: "/srv/web/gantry.yaml"), "/srv/web/.gantry/events.sqlite")
    }

    func testTwoHandlesCreatingOneStoreAgree() throws {
        let path = directory.path("shared.sqlite")
        let first = try SQLiteEventStore(path: path)
        let second = try SQLiteEventStore(path: path)
        _ = try first.append(EventSamples.logLines(2), expected: .noStream)
        XCTAssertThrowsError(try second.append(EventSamples.logLines(1), expected: .noStream))
        XCTAssertEqual(try second.append(EventSamples.tick("a"), expected: .exact(2)).seq, 3)
        XCTAssertEqual(try first.lastSeq(), 3)
    }

    // MARK: - Durability

    /// Decisions commit with synchronous=FULL (fsynced); progress and log lines with NORMAL.
    func testDecisionsAreFsyncedAndLogLinesBatched() throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        func synchronous() throws -> Int? {
            try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        }
        _ = try store.append(EventSamples.logLines(10), expected: .any)
        XCTAssertEqual(try synchronous(), 1, "NORMAL")
        _ = try store.append(EventSamples.logLines(3) + [EventSamples.tick("backup")], expected: .any)
        XCTAssertEqual(try synchronous(), 2, "FULL")
        _ = try store.append(EventSamples.logLines(1), expected: .any)
        XCTAssertEqual(try synchronous(), 1, "NORMAL again")
    }

    // MARK: - Read-only

    func testAReadOnlyStoreReadsAndRefusesAppends() async throws {
        let path = directory.path("events.sqlite")
        let writer = try SQLiteEventStore(path: path)
        let appended = try writer.append(EventSamples.logLines(3), expected: .any)
        let reader = try SQLiteEventStore(path: path, readOnly: true)
        XCTAssertTrue(reader.isReadOnly)
        XCTAssertEqual(try reader.read(after: 0, limit: 10), appended)
        XCTAssertThrowsError(try reader.append(EventSamples.tick("backup"))) { error in
            guard case .readOnly(let at, _) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(at, path)
        }
        // It still follows the log that others write.
        let stream = reader.subscribe(after: 3)
        let tick = try writer.append(EventSamples.tick("backup"))
        let seen = try await collect(1, from: stream)
        XCTAssertEqual(seen, [tick])
    }

    func testReadOnlyNeedsAnExistingStore() {
        let path = directory.path("missing.sqlite")
        XCTAssertThrowsError(try SQLiteEventStore(path: path, readOnly: true)) { error in
            XCTAssertEqual(error as? StoreError, .io("there is no event store at \(path)"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testAStoreThatCannotBeCreatedSaysWhy() throws {
        let blocker = directory.path("a-file")
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SQLiteEventStore(path: blocker + "/events.sqlite")) { error in
            guard case .readOnly(_, let detail) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("cannot create directory"), detail)
        }
    }

    // MARK: - Subscriptions

    func testASubscriptionEndsWhenItsConsumerStops() async throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        _ = try store.append(EventSamples.logLines(5), expected: .any)
        let first = try await collect(2, from: store.subscribe(after: 0))
        XCTAssertEqual(first.map(\.seq), [1, 2])
        try await waitUntil { store.subscriptionCount == 0 }
        // The store keeps working, and the next subscription starts from its own cursor.
        let next = try await collect(3, from: store.subscribe(after: 2))
        XCTAssertEqual(next.map(\.seq), [3, 4, 5])
    }

    func testClosingTheStoreFinishesItsSubscriptions() async throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        let stream = store.subscribe(after: 0)
        let consumer = Task { () -> Int in
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        _ = try store.append(EventSamples.logLines(2), expected: .any)
        try await waitUntil { (try? store.lastSeq()) == 2 }
        try await Task.sleep(nanoseconds: 100_000_000)
        store.close()
        let watchdog = Task {
            try await Task.sleep(nanoseconds: 10_000_000_000)
            consumer.cancel()
        }
        let count = try await consumer.value
        watchdog.cancel()
        XCTAssertEqual(count, 2)
        XCTAssertThrowsError(try store.lastSeq())
    }

    func testManyEventsReachASubscriberInBatches() async throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        for batch in 0..<5 { _ = try store.append(EventSamples.logLines(1000, from: batch * 1000), expected: .any) }
        let stream = store.subscribe(after: 0)
        _ = try store.append(EventSamples.logLines(1000, from: 5000), expected: .any)
        let seen = try await collect(6000, from: stream)
        XCTAssertEqual(seen.map(\.seq), Array(1...6000))
    }

    /// A damaged event ends a subscription with `.corrupt`, after every good event before it.
    func testASubscriptionStopsAtADamagedEvent() async throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(EventSamples.logLines(5), expected: .any)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "UPDATE events SET actor = 'mallory' WHERE seq = 4") }
        try queue.close()
        let stream = store.subscribe(after: 0)
        let consumer = Task { () -> ([Int64], (any Error)?) in
            var seen: [Int64] = []
            do {
                for try await event in stream { seen.append(event.seq) }
                return (seen, nil)
            } catch {
                return (seen, error)
            }
        }
        let watchdog = Task {
            try await Task.sleep(nanoseconds: 10_000_000_000)
            consumer.cancel()
        }
        let (seen, error) = await consumer.value
        watchdog.cancel()
        XCTAssertEqual(seen, [1, 2, 3])
        guard case .corrupt(_, let seq, _) = error as? StoreError else {
            return XCTFail("expected .corrupt, got \(String(describing: error))")
        }
        XCTAssertEqual(seq, 4)
    }

    private func waitUntil(timeout: Double = 5, _ condition: () -> Bool) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !condition() {
            guard Date() < deadline else { return XCTFail("condition not met within \(timeout) s") }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }
}
