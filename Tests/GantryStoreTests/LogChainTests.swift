import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import GRDB
import XCTest

/// Each row's SHA-256 link: an edited row (checksum recomputed), a deleted row and a rewritten
/// chain are named by `verifyChain` and, for one deploy, by `verifyStream`.
final class LogChainTests: XCTestCase {
    let directory = TemporaryDirectory("chain")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    private func store(_ name: String, _ events: [PendingEvent]) throws -> String {
        let path = directory.path(name)
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(events, expected: .any)
        store.close()
        return path
    }

    private var events: [PendingEvent] {
        let deploy = DeployID("production-2.1.0-1")
        return EventSamples.logLines(3, deploy: deploy) + [
            PendingEvent(time: EventSamples.epoch, actor: "bob", deploy: deploy, payload: .approvalGiven(scope: "production", comment: "")),
        ] + EventSamples.logLines(2, deploy: deploy, from: 3)
    }

    func testAnUntouchedLogVerifies() throws {
        let path = try store("whole.sqlite", events)
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        defer { reopened.close() }
        let report = try reopened.verifyChain()
        XCTAssertEqual(report.checked, 6)
        XCTAssertNil(report.problem)
        XCTAssertTrue(report.chained)
        XCTAssertEqual(report.tip.count, 12)
        XCTAssertNil(try reopened.verifyStream(DeployID("production-2.1.0-1")))
    }

    /// The approval's actor changed and its CRC recomputed: the checksum passes, the link does not.
    func testAnEditedRowWithItsChecksumRecomputedIsFound() throws {
        let path = try store("edited.sqlite", events)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let row = try XCTUnwrap(try Row.fetchOne(db, sql: "SELECT seq, stream, stream_version, kind, schema, time, payload FROM events WHERE seq = 4"))
            let payload: Data = row[6]
            let crc = payload.withUnsafeBytes { bytes in
                EventRows.checksum(seq: 4, streamVersion: row[2], kind: UInt16(row[3] as Int64), schema: UInt16(row[4] as Int64),
                                   time: row[5], stream: row[1], actor: "mallory", payload: bytes)
            }
            try db.execute(sql: "UPDATE events SET actor = 'mallory', crc = ? WHERE seq = 4", arguments: [Int64(crc)])
        }
        try queue.close()
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        defer { reopened.close() }
        let report = try reopened.verifyChain()
        XCTAssertEqual(report.problem, ChainProblem(seq: 4, kind: .broken))
        XCTAssertEqual(report.checked, 3)
        XCTAssertEqual(report.problem?.description, "the chain breaks at event 4: event 4, or event 3 before it, was changed or "
                       + "inserted after it was written (its SHA-256 link does not match)")
        XCTAssertEqual(try reopened.verifyStream(DeployID("production-2.1.0-1")), ChainProblem(seq: 4, kind: .broken))
    }

    func testADeletedRowIsFound() throws {
        let path = try store("deleted.sqlite", events)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "DELETE FROM events WHERE seq = 4") }
        try queue.close()
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        defer { reopened.close() }
        XCTAssertEqual(try reopened.verifyChain().problem, ChainProblem(seq: 5, kind: .missing(after: 3)))
        XCTAssertEqual(try reopened.verifyChain().problem?.description, "event 4 is missing (deleted): the log goes from 3 to 5")
        XCTAssertEqual(try reopened.verifyStream(DeployID("production-2.1.0-1")), ChainProblem(seq: 5, kind: .missing(after: 3)))
    }

    /// Renumbering after a delete hides the gap in `seq`, not in the links or the stream's versions.
    func testADeletedAndRenumberedRowIsFound() throws {
        let path = try store("renumbered.sqlite", events)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM events WHERE seq = 4")
            try db.execute(sql: "UPDATE events SET seq = seq - 1 WHERE seq > 4")
        }
        try queue.close()
        let reopened = try SQLiteEventStore(path: path, readOnly: true)
        defer { reopened.close() }
        XCTAssertEqual(try reopened.verifyChain().problem?.seq, 4)
    }

    /// A store written before chains is upgraded once, on the first writable open, and says so.
    func testAFormat1StoreIsChainedOnceAndSaysSo() throws {
        let path = try store("old.sqlite", events)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ALTER TABLE events DROP COLUMN hash")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        try queue.close()
        let readOnly = try SQLiteEventStore(path: path, readOnly: true)
        XCTAssertFalse(try readOnly.verifyChain().chained, "a read-only open does not upgrade")
        XCTAssertEqual(try readOnly.read(after: 0, limit: 10).count, 6, "and still reads")
        readOnly.close()
        let upgraded = try SQLiteEventStore(path: path)
        XCTAssertEqual(upgraded.upgrade, "upgraded \(path) to store format 2: chained its 6 events with SHA-256 links "
                       + "(`gantry verify` checks them); older gantry builds can no longer open it")
        XCTAssertNil(try upgraded.verifyChain().problem)
        _ = try upgraded.append(EventSamples.tick("backup"))
        XCTAssertEqual(try upgraded.verifyChain().checked, 7)
        upgraded.close()
        XCTAssertNil(try SQLiteEventStore(path: path).upgrade, "once")
    }
}
