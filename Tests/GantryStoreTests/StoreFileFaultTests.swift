import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import GRDB
import XCTest

/// Files that are not (or no longer) a healthy Gantry store: each gives a clear `StoreError`, never a crash.
final class StoreFileFaultTests: XCTestCase {
    let directory = TemporaryDirectory("faults")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    // MARK: - Helpers

    private func expectOpenError(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                                 _ check: (StoreError) -> Void) {
        do throws(StoreError) {
            let store = try SQLiteEventStore(path: path)
            XCTFail("opened \(path) as a store: \(store.path)", file: file, line: line)
        } catch {
            check(error)
        }
    }

    private func makeStore(_ name: String, events: [PendingEvent]) throws -> String {
        let path = directory.path(name)
        let store = try SQLiteEventStore(path: path)
        _ = try store.append(events, expected: .any)
        store.close()
        return path
    }

    // MARK: - Not a store

    func testRandomBytesAreNotAStore() throws {
        let path = directory.path("random.sqlite")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectOpenError(path) { error in
            XCTAssertEqual(error, .notAStore(path: path, detail: "not a SQLite database"))
            XCTAssertEqual(error.description, "\(path) is not a Gantry event store (not a SQLite database); "
                           + "point --store at a Gantry store or a new file")
        }
    }

    func testATextFileIsNotAStore() throws {
        let path = directory.path("gantry.yaml")
        try "app: web\nimage: registry.example.com/web\n".write(toFile: path, atomically: true, encoding: .utf8)
        expectOpenError(path) { XCTAssertEqual($0, .notAStore(path: path, detail: "not a SQLite database")) }
    }

    /// Gantry never leaves a 0-byte store (a new one is linked into place whole), so an empty
    /// file is a log that lost its contents, or a stray file: refused by readers and writers alike,
    /// never silently turned into a new log.
    func testAnEmptyFileIsRefusedByReadersAndWritersAlike() throws {
        let path = directory.path("empty.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        for readOnly in [false, true] {
            do throws(StoreError) {
                _ = try SQLiteEventStore(path: path, readOnly: readOnly)
                XCTFail("opened an empty file (readOnly: \(readOnly))")
            } catch {
                XCTAssertEqual(error, .emptyFile(path: path))
                XCTAssertEqual(error.description, "\(path) is empty (0 bytes) and holds no Gantry log; if it held your "
                               + "log, restore it from a backup, otherwise delete it and Gantry starts a new log there")
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0, "the file is left as it was")
    }

    /// A new store appears whole: many handles racing to create it all open the same log.
    func testHandlesRacingToCreateAStoreShareOneLog() throws {
        let path = directory.path("raced.sqlite")
        let stores = Locked<[SQLiteEventStore]>([])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let store = try SQLiteEventStore(path: path, readOnly: false)
                _ = try store.append(EventSamples.tick("item-\(index)"))
                stores.withLock { $0.append(store) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        let all = stores.withLock { $0 }
        XCTAssertEqual(try all.first?.lastSeq(), 8)
        all.forEach { $0.close() }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains(".new-") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
    }

    func testAHeaderCutShortIsNotAStore() throws {
        let path = directory.path("short.sqlite")
        try Data("SQLite format 3\0\u{10}\0".utf8).write(to: URL(fileURLWithPath: path))
        expectOpenError(path) { error in
            guard case .notAStore(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("truncated"), detail)
        }
    }

    func testADirectoryIsNotAStore() throws {
        expectOpenError(directory.url.path) {
            XCTAssertEqual($0, .notAStore(path: self.directory.url.path, detail: "it is a directory"))
        }
    }

    /// Another application's database is refused, and left exactly as it was (not switched to WAL).
    func testAForeignDatabaseIsRefusedAndLeftUntouched() throws {
        let path = directory.path("app.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ana')")
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        expectOpenError(path) {
            XCTAssertEqual($0, .notAStore(path: path, detail: "a SQLite database of another application (tables: users)"))
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    func testAnotherApplicationIDIsRefused() throws {
        let path = directory.path("other.db")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA application_id = 42") }
        try queue.close()
        expectOpenError(path) {
            XCTAssertEqual($0, .notAStore(path: path, detail: "a SQLite database of another application (application_id 42)"))
        }
    }

    func testANewerStoreFormatIsRefused() throws {
        let path = try makeStore("newer.sqlite", events: EventSamples.logLines(3))
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = 3") }
        try queue.close()
        expectOpenError(path) { error in
            XCTAssertEqual(error, .tooNew(path: path, version: 3))
            XCTAssertTrue(error.description.contains("upgrade gantry"))
        }
    }

    // MARK: - Damaged stores

    /// One flipped byte inside an event's payload is caught by the row checksum, with that event's seq.
    func testAFlippedPayloadByteIsCorruptAtThatEvent() throws {
        let marker = "MARKER-\(UUID().uuidString)"
        var events = EventSamples.logLines(6)
        events.append(PendingEvent(time: EventSamples.epoch, actor: "executor", deploy: DeployID("staging-1"),
                                   payload: .stageLogged(stage: "build", stream: .stdout, line: marker)))
        events += EventSamples.logLines(3, from: 6)
        let path = try makeStore("flipped.sqlite", events: events)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let range = try XCTUnwrap(bytes.range(of: Data(marker.utf8)), "the payload is in the main file after close")
        bytes[range.lowerBound + 10] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))

        let store = try SQLiteEventStore(path: path)
        XCTAssertThrowsError(try store.read(after: 0, limit: 100)) { error in
            guard case .corrupt(let at, let seq, let detail) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(at, path)
            XCTAssertEqual(seq, 7)
            XCTAssertTrue(detail.contains("checksum"), detail)
        }
        var replayed: [Int64] = []
        XCTAssertThrowsError(try store.forEach(after: 0) { replayed.append($0.seq) })
        XCTAssertEqual(try store.read(after: 0, limit: 6).count, 6, "events before the damage still read")
        XCTAssertEqual(try store.read(after: 7, limit: 10).map(\.seq), [8, 9, 10], "and so do the ones after it")
    }

    /// A row whose fields were changed behind the store's back fails its checksum too.
    func testAnEditedRowIsCorrupt() throws {
        let path = try makeStore("edited.sqlite", events: EventSamples.logLines(4))
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "UPDATE events SET actor = 'mallory' WHERE seq = 3") }
        try queue.close()
        let store = try SQLiteEventStore(path: path)
        XCTAssertThrowsError(try store.readStream(DeployID("staging-1"))) { error in
            guard case .corrupt(_, let seq, _) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, 3)
        }
    }

    /// A payload that passes its checksum but does not decode is corrupt, not a crash.
    func testAnUndecodablePayloadIsCorrupt() throws {
        let path = try makeStore("undecodable.sqlite", events: EventSamples.logLines(2))
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF]
        let crc = garbage.withUnsafeBytes { bytes in
            EventRows.checksum(seq: 3, streamVersion: 3, kind: EventKind.stageLogged.rawValue, schema: 1,
                               time: 0, stream: "staging-1", actor: "x", payload: bytes)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO events VALUES (3, 'staging-1', 3, ?, 1, 0, 'x', ?, ?, X'')",
                           arguments: [Int(EventKind.stageLogged.rawValue), Data(garbage), Int64(crc)])
        }
        try queue.close()
        let store = try SQLiteEventStore(path: path)
        XCTAssertThrowsError(try store.read(after: 0, limit: 10)) { error in
            guard case .corrupt(_, let seq, let detail) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, 3)
            XCTAssertTrue(detail.contains("payload"), detail)
        }
    }

    /// A file cut in half: opening or reading it gives a store error, never a crash.
    func testATruncatedFileGivesAClearError() throws {
        let lines = (0..<20).flatMap { EventSamples.logLines(500, from: $0 * 500) }
        let path = try makeStore("truncated.sqlite", events: lines)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertGreaterThan(size, 100_000)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        do throws(StoreError) {
            let store = try SQLiteEventStore(path: path)
            try store.forEach(after: 0) { _ in }
            XCTFail("read a truncated store to the end")
        } catch {
            print("truncated store: \(error)")
            switch error {
            case .corrupt, .notAStore: break
            default: XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(error.description.contains(path))
        }
        let cut = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try cut.truncate(atOffset: 50)
        try cut.close()
        expectOpenError(path) { error in
            guard case .notAStore = error else { return XCTFail("\(error)") }
        }
    }
}
