import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import XCTest

/// Idle subscriptions wake on other handles' writes (inotify) instead of polling.
final class StoreFileWatcherTests: XCTestCase {
    let directory = TemporaryDirectory("watch")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    func testItReportsWritesToTheStoreAndItsWALOnly() throws {
        let path = directory.path("events.sqlite")
        let calls = Counter()
        let watcher = try XCTUnwrap(StoreFileWatcher.start(path: path) { calls.add() })
        defer { watcher.stop() }
        try Data("other".utf8).write(to: URL(fileURLWithPath: directory.path("notes.txt")))
        try Data("other".utf8).write(to: URL(fileURLWithPath: directory.path("events.sqlite-shm")))
        usleep(200_000)
        XCTAssertEqual(calls.count, 0, "files other than the database and its WAL are ignored")
        try Data("frame".utf8).write(to: URL(fileURLWithPath: path + "-wal"))
        let deadline = Date(timeIntervalSinceNow: 10)
        while calls.count == 0 && Date() < deadline { usleep(5_000) }
        XCTAssertGreaterThan(calls.count, 0, "a write to the WAL is reported")
    }

    func testAnIdleSubscriptionWakesOnAnotherHandlesAppend() async throws {
        let path = directory.path("events.sqlite")
        let writer = try SQLiteEventStore(path: path)
        _ = try writer.append(EventSamples.logLines(2), expected: .any)
        let reader = try SQLiteEventStore(path: path, readOnly: true)
        let stream = reader.subscribe(after: 2)
        // Outside an active window the reader would look only once a minute: only the
        // watcher's report can bring the event within the 10 s the collection waits.
        reader.hub.relyOnFileChanges(idleInterval: 60)
        try await Task.sleep(nanoseconds: 400_000_000)
        let tick = try writer.append(EventSamples.tick("backup"))
        let seen = try await collect(1, from: stream, timeout: 10)
        XCTAssertEqual(seen, [tick])
        reader.close()
        writer.close()
    }

    func testAHubReportedAFileChangeLooksAtOnce() async throws {
        let source = FixedSource()
        let hub = SubscriptionHub(interval: 60, activeWindow: 60) { source }
        hub.relyOnFileChanges(idleInterval: 60)
        let stream = hub.subscribe(after: 0)
        try await Task.sleep(nanoseconds: 200_000_000)
        let event = EventSamples.logLines(1)[0].numbered(seq: 1, streamVersion: 1)
        source.set([event])
        hub.filesChanged()
        let seen = try await collect(1, from: stream, timeout: 10)
        XCTAssertEqual(seen, [event])
        hub.stop()
    }
}

/// A subscription source whose events a test sets.
private final class FixedSource: SubscriptionSource, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    func set(_ events: [Event]) { lock.withLock { self.events = events } }
    func changeToken() throws -> Int64 { lock.withLock { events.last?.seq ?? 0 } }
    func events(after: Int64, limit: Int) throws -> [Event] {
        lock.withLock { Array(events.filter { $0.seq > after }.prefix(limit)) }
    }
}
