import Foundation
import GantryCore
@testable import GantryExecutor
import GantryStore
import XCTest

/// The recorder bounds each stage's stored output and never swallows a failure to record.
final class RecorderTests: XCTestCase {
    private let deploy = DeployID("staging-1.0.0-1")

    private func lines(_ store: any EventStore) throws -> [String] {
        try store.read(after: 0, limit: 10_000).map { event in
            switch event.payload {
            case .stageLogged(_, _, let line): line
            case .stageOutputOmitted(_, let lines, let bytes): "omitted \(lines) \(bytes)"
            default: event.payload.kind?.name ?? "?"
            }
        }
    }

    func testAChattyStageStoresItsHeadItsTailAndTheCountOfWhatWasOmitted() throws {
        let store = InMemoryEventStore()
        let recorder = Recorder(store: store, deploy: deploy, actor: "executor", redactor: Redactor(secrets: []),
                                budget: OutputBudget(head: 100, tail: 50, reportInterval: 3600))
        for index in 0..<100 { recorder.log("build", .stdout, String(format: "line %02d", index)) }  // 8 bytes each
        recorder.flush()
        let head = (0..<12).map { String(format: "line %02d", $0) }
        XCTAssertEqual(try lines(store), head + ["omitted 1 8"], "12 lines fit the head; the first omission is reported at once")
        try recorder.record(.stageSucceeded(stage: "build"))
        XCTAssertEqual(try lines(store), head + ["omitted 1 8", "omitted 82 656"]
            + (94..<100).map { String(format: "line %02d", $0) } + ["stage.succeeded"],
            "the stage's end stores the final count, then the last 50 bytes")
    }

    func testFinishStoresTheTailsOfStagesThatNeverEnded() throws {
        let store = InMemoryEventStore()
        let recorder = Recorder(store: store, deploy: deploy, actor: "executor", redactor: Redactor(secrets: []),
                                budget: OutputBudget(head: 8, tail: 16, reportInterval: 3600))
        for index in 0..<5 { recorder.log("smoke", .stderr, "err \(index)") }  // 6 bytes each
        recorder.finish()
        XCTAssertEqual(try lines(store), ["err 0", "omitted 1 6", "omitted 2 12", "err 3", "err 4"])
    }

    func testTheFirstFailureToRecordIsKeptAndStopsTheRun() throws {
        let store = FillingStore(room: 3)
        let recorder = Recorder(store: store, deploy: deploy, actor: "executor", redactor: Redactor(secrets: []))
        let stopped = Counter()
        recorder.whenRecordingFails { _ in stopped.add() }
        try recorder.record(.deployStarted)
        try recorder.record(.stageQueued(stage: "build"))
        try recorder.record(.stageStarted(stage: "build", command: ["make"]))
        XCTAssertThrowsError(try recorder.record(.stageSucceeded(stage: "build"))) {
            XCTAssertEqual($0 as? StoreError, .diskFull(path: "/full/events.sqlite"))
        }
        XCTAssertEqual(recorder.recordingFailure, .diskFull(path: "/full/events.sqlite"))
        recorder.log("build", .stdout, "dropped: nothing can be stored")
        recorder.note(.deployFinished(outcome: .succeeded, reason: ""))
        recorder.finish()
        XCTAssertEqual(stopped.count, 1, "the handler runs once")
        XCTAssertEqual(store.attempts, 4, "after the first failure nothing more is tried")
        let late = Counter()
        recorder.whenRecordingFails { _ in late.add() }
        XCTAssertEqual(late.count, 1, "a handler set after the failure runs at once")
    }
}

/// A store with room for `room` appends, then a full disk.
private final class FillingStore: EventStore, @unchecked Sendable {
    private let inner = InMemoryEventStore()
    private let lock = NSLock()
    private var room: Int
    private(set) var attempts = 0
    init(room: Int) { self.room = room }

    func append(_ events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) -> [Event] {
        try append(events, expectations: [:])
    }
    func append(_ events: [PendingEvent], expectations: [DeployID: ExpectedVersion]) throws(StoreError) -> [Event] {
        let full: Bool = lock.withLock {
            attempts += 1
            room -= 1
            return room < 0
        }
        if full { throw .diskFull(path: "/full/events.sqlite") }
        return try inner.append(events, expectations: expectations)
    }
    func read(after: Int64, limit: Int) throws(StoreError) -> [Event] { try inner.read(after: after, limit: limit) }
    func readStream(_ deploy: DeployID) throws(StoreError) -> [Event] { try inner.readStream(deploy) }
    func forEach(after: Int64, _ body: (Event) throws -> Void) throws(StoreError) { try inner.forEach(after: after, body) }
    func lastSeq() throws(StoreError) -> Int64 { try inner.lastSeq() }
    func streamVersion(_ deploy: DeployID) throws(StoreError) -> Int64 { try inner.streamVersion(deploy) }
    func subscribe(after: Int64) -> AsyncThrowingStream<Event, Error> { inner.subscribe(after: after) }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
