import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import XCTest

/// The snapshot beside a store: state from it plus the later events equals folding every
/// event; a snapshot that does not belong to the log is never used.
final class StateSnapshotTests: XCTestCase {
    let directory = TemporaryDirectory("snapshot")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    private func fullFold(_ store: SQLiteEventStore) throws -> GantryState {
        var state = GantryState()
        try store.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
        return state
    }

    /// Every kind of event this build knows, then many log lines (rings wrap).
    private func fill(_ store: SQLiteEventStore, deploy: String, lines: Int) throws {
        let known = EventSamples.everyKindPending(deploy: DeployID(deploy)).filter {
            if case .unrecognized = $0.payload { return false }
            return true
        }
        _ = try store.append(known, expected: .any)
        _ = try store.append(EventSamples.logLines(lines, deploy: DeployID(deploy)), expected: .any)
    }

    func testStateFromTheSnapshotAndLaterEventsEqualsFoldingEverything() throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        defer { store.close() }
        try fill(store, deploy: "production-2.1.0", lines: 1500)
        let first = try StateSnapshot.load(store)
        XCTAssertNil(first.snapshotSeq, "no snapshot yet")
        try StateSnapshot.save(first.state, for: store)
        let covered = first.state.lastSeq

        try fill(store, deploy: "staging-2.2.0", lines: 300)
        let loaded = try StateSnapshot.load(store)
        XCTAssertEqual(loaded.snapshotSeq, covered)
        XCTAssertEqual(loaded.folded, Int(try store.lastSeq() - covered))
        XCTAssertEqual(loaded.state, try fullFold(store))
        XCTAssertEqual(loaded.state.deploys[DeployID("production-2.1.0")], first.state.deploys[DeployID("production-2.1.0")])
    }

    /// A store keeps what it folded: each call folds only what was appended since (by this
    /// process or another), and the snapshot is refreshed once that adds up.
    func testStateOfAStoreFoldsOnlyWhatWasAppendedSince() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        try fill(store, deploy: "production-2.1.0", lines: 20)
        let first = try StateSnapshot.state(of: store)
        XCTAssertEqual(first, try fullFold(store))
        XCTAssertEqual(store.folded.withLock { $0.unsaved }, Int(first.lastSeq))

        let other = try SQLiteEventStore(path: path)
        try fill(other, deploy: "staging-2.2.0", lines: 30)
        other.close()
        let second = try StateSnapshot.state(of: store)
        XCTAssertEqual(second, try fullFold(store))
        XCTAssertEqual(store.folded.withLock { $0.unsaved }, Int(second.lastSeq), "only the new events were folded")
        XCTAssertEqual(first.deploys.count, 1, "a state handed out earlier does not change")

        try fill(store, deploy: "staging-2.2.0", lines: StateSnapshot.refreshAfter)
        let third = try StateSnapshot.state(of: store)
        XCTAssertEqual(store.folded.withLock { $0.unsaved }, 0, "the snapshot was refreshed")
        XCTAssertEqual(try StateSnapshot.load(store).snapshotSeq, third.lastSeq)
        XCTAssertEqual(third, try fullFold(store))
    }

    func testRefreshWritesASnapshotOnlyWhenFarBehind() throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        defer { store.close() }
        try fill(store, deploy: "production-2.1.0", lines: 100)
        _ = try StateSnapshot.loadAndRefresh(store)
        XCTAssertFalse(FileManager.default.fileExists(atPath: StateSnapshot.path(forStore: store.path)))
        try fill(store, deploy: "production-2.1.0", lines: StateSnapshot.refreshAfter)
        let state = try StateSnapshot.loadAndRefresh(store)
        XCTAssertTrue(FileManager.default.fileExists(atPath: StateSnapshot.path(forStore: store.path)))
        XCTAssertEqual(try StateSnapshot.load(store).snapshotSeq, state.lastSeq)
        XCTAssertEqual(try StateSnapshot.state(of: store), try fullFold(store))
    }

    func testASnapshotOfAnotherLogIsIgnored() throws {
        let one = try SQLiteEventStore(path: directory.path("one.sqlite"))
        defer { one.close() }
        let two = try SQLiteEventStore(path: directory.path("two.sqlite"))
        defer { two.close() }
        try fill(one, deploy: "production-2.1.0", lines: 50)
        try fill(two, deploy: "staging-9.9.9", lines: 50)
        try StateSnapshot.save(try fullFold(one), for: one)
        try FileManager.default.copyItem(atPath: StateSnapshot.path(forStore: one.path), toPath: StateSnapshot.path(forStore: two.path))
        let loaded = try StateSnapshot.load(two)
        XCTAssertNil(loaded.snapshotSeq, "same seq, different event: not this log's snapshot")
        XCTAssertEqual(loaded.state, try fullFold(two))
    }

    func testAnUnreadableOrAheadSnapshotIsIgnored() throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        defer { store.close() }
        try fill(store, deploy: "production-2.1.0", lines: 20)
        let snapshot = StateSnapshot.path(forStore: store.path)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: snapshot))
        XCTAssertNil(try StateSnapshot.load(store).snapshotSeq)
        XCTAssertEqual(try StateSnapshot.load(store).state, try fullFold(store))

        // A snapshot covering events the log no longer has (as when a torn tail was dropped):
        // the same log, cut shorter.
        let longer = try SQLiteEventStore(path: directory.path("longer.sqlite"))
        defer { longer.close() }
        try fill(longer, deploy: "production-2.1.0", lines: 20)
        _ = try longer.append(EventSamples.logLines(5, deploy: DeployID("production-2.1.0"), from: 20), expected: .any)
        try StateSnapshot.save(try fullFold(longer), for: longer)
        try FileManager.default.removeItem(atPath: snapshot)
        try FileManager.default.copyItem(atPath: StateSnapshot.path(forStore: longer.path), toPath: snapshot)
        XCTAssertNil(try StateSnapshot.load(store).snapshotSeq)
        XCTAssertEqual(try StateSnapshot.load(store).state, try fullFold(store))

        // Different ring capacities: folded anew.
        try StateSnapshot.save(try fullFold(store), for: store)
        XCTAssertNotNil(try StateSnapshot.load(store).snapshotSeq)
        XCTAssertNil(try StateSnapshot.load(store, into: GantryState(logCapacity: 10)).snapshotSeq)
    }

    /// A log holding events of a kind this build does not know (a newer Gantry wrote them) is
    /// folded, but its state is not saved: a newer build would otherwise trust this one's fold.
    func testStateWithUnknownKindsIsNotSaved() throws {
        let store = try SQLiteEventStore(path: directory.path("events.sqlite"))
        defer { store.close() }
        _ = try store.append([PendingEvent(time: EventSamples.epoch, actor: "future", deploy: DeployID("production-2.1.0"),
                                           payload: .unrecognized(kind: 4000, bytes: [1, 2, 3]))], expected: .any)
        try fill(store, deploy: "production-2.1.0", lines: StateSnapshot.refreshAfter)
        let loaded = try StateSnapshot.load(store)
        XCTAssertTrue(loaded.sawUnknownKinds)
        _ = try StateSnapshot.loadAndRefresh(store)
        XCTAssertFalse(FileManager.default.fileExists(atPath: StateSnapshot.path(forStore: store.path)))
    }
}
