import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import GRDB
import XCTest

/// The mark beside a store remembers how far the log went, so a log that lost acknowledged
/// events (a truncated or damaged WAL) is reported with the missing range instead of read as shorter.
final class StoreMarkTests: XCTestCase {
    let directory = TemporaryDirectory("mark")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    private func ticks(_ count: Int) -> [PendingEvent] { (0..<count).map { EventSamples.tick("item-\($0)") } }

    func testDurableAppendsMoveTheMarkAndBatchedOnesDoNot() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        XCTAssertNil(StoreMark.read(storePath: path))
        _ = try store.append(ticks(3), expected: .any)
        XCTAssertEqual(StoreMark.read(storePath: path)?.seq, 3)
        _ = try store.append(EventSamples.logLines(5), expected: .any)
        XCTAssertEqual(StoreMark.read(storePath: path)?.seq, 3, "log lines are not fsynced: the mark stays")
        XCTAssertNil(store.damage)
    }

    func testALogThatLostItsLastEventsIsReportedWithTheMissingRange() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(ticks(12), expected: .any)
        store.close()
        // What a WAL cut in its middle leaves: the events after the cut are gone.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "DELETE FROM events WHERE seq > 7") }
        try queue.close()

        for readOnly in [false, true] {
            let reopened = try SQLiteEventStore(path: path, readOnly: readOnly)
            XCTAssertEqual(reopened.damage, LogDamage(path: path, logEnd: 7, kind: .missing(8...12)))
            XCTAssertEqual(reopened.damage?.description, """
                \(path) is missing events 8–12, recorded earlier (the log ends at event 7; \(path).mark says it \
                reached 12): its WAL was truncated or damaged, and what Gantry shows may be out of date. Restore \
                \(path) and \(path)-wal from a backup; to accept the loss, delete \(path).mark
                """)
            XCTAssertEqual(try reopened.read(after: 0, limit: 100).count, 7, "what is left still reads")
            reopened.close()
        }
    }

    func testADamagedStoreKeepsItsMarkUntilItIsDeleted() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(ticks(5), expected: .any)
        store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "DELETE FROM events WHERE seq > 3") }
        try queue.close()

        let damaged = try SQLiteEventStore(path: path)
        XCTAssertEqual(damaged.damage?.kind, .missing(4...5))
        _ = try damaged.append(ticks(4), expected: .any)  // seqs 4...7 reuse the lost numbers
        XCTAssertEqual(StoreMark.read(storePath: path)?.seq, 5, "a damaged store's mark does not move")
        damaged.close()
        let again = try SQLiteEventStore(path: path)
        XCTAssertEqual(again.damage?.kind, .rewritten(seq: 5), "event 5 is not the one recorded earlier")
        again.close()

        try FileManager.default.removeItem(atPath: StoreMark.path(forStore: path))
        let accepted = try SQLiteEventStore(path: path)
        XCTAssertNil(accepted.damage, "deleting the mark accepts the log as it is")
        _ = try accepted.append(ticks(1), expected: .any)
        XCTAssertEqual(StoreMark.read(storePath: path)?.seq, 8)
        accepted.close()
    }

    func testAnEditedEventAtTheMarkIsReportedAsRewritten() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(ticks(4), expected: .any)
        store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "UPDATE events SET crc = crc + 1 WHERE seq = 4") }
        try queue.close()
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        XCTAssertEqual(reopened.damage, LogDamage(path: path, logEnd: 4, kind: .rewritten(seq: 4)))
        reopened.close()
    }

    /// A snapshot records how far the log went: saving one moves the mark to its end, so a log
    /// that later falls behind its snapshot is reported, not silently refolded.
    func testALogBehindItsSnapshotIsReported() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(EventSamples.logLines(20), expected: .any)
        let loaded = try StateSnapshot.load(store)
        try StateSnapshot.save(loaded.state, for: store)
        XCTAssertEqual(StoreMark.read(storePath: path)?.seq, 20)
        store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "DELETE FROM events WHERE seq > 15") }
        try queue.close()
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        XCTAssertEqual(reopened.damage?.kind, .missing(16...20))
        reopened.close()
    }

    func testANewLogRemovesTheMarkOfTheOneThatWasDeleted() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(ticks(6), expected: .any)
        store.close()
        try FileManager.default.removeItem(atPath: path)
        let fresh = try SQLiteEventStore(path: path)
        XCTAssertNil(fresh.damage)
        XCTAssertNil(StoreMark.read(storePath: path))
        fresh.close()
    }
}
