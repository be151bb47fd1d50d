import Foundation
import GantryCore
import GantryStore
import XCTest

/// A store under test, and a way to open it again (a new handle on the same log;
/// for an in-memory store, the same instance).
public struct StoreSubject: Sendable {
    public let store: any EventStore
    public let reopen: @Sendable () throws -> any EventStore

    /// Wraps a fresh, empty store.
    public init(store: any EventStore, reopen: @escaping @Sendable () throws -> any EventStore) {
        self.store = store
        self.reopen = reopen
    }
}

/// The contract every `EventStore` passes. Each check is one function; a test case per store
/// calls each of them from a test method of the same name.
///
/// ```swift
/// let contract = EventStoreContract { StoreSubject(store: InMemoryEventStore(), ...) }
/// func testOrdering() throws { try contract.appendNumbersEventsInOrder() }
/// ```
public struct EventStoreContract: Sendable {
    let makeSubject: @Sendable () throws -> StoreSubject

    /// `makeSubject` returns a fresh, empty store each time it is called.
    public init(makeSubject: @escaping @Sendable () throws -> StoreSubject) {
        self.makeSubject = makeSubject
    }

    let alpha = DeployID("staging-2.1.0-1")
    let beta = DeployID("production-2.0.9-1")

    // MARK: - Ordering and reading

    /// Appends are numbered 1, 2, 3, … without gaps, across calls and streams, and read back equal.
    public func appendNumbersEventsInOrder() throws {
        let store = try makeSubject().store
        XCTAssertEqual(try store.lastSeq(), 0)
        let first = try store.append(EventSamples.logLines(3, deploy: alpha), expected: .any)
        let second = try store.append(EventSamples.logLines(2, deploy: beta), expected: .any)
        let third = try store.append(EventSamples.tick("backup", deploy: alpha))
        XCTAssertEqual(first.map(\.seq), [1, 2, 3])
        XCTAssertEqual(second.map(\.seq), [4, 5])
        XCTAssertEqual(third.seq, 6)
        XCTAssertEqual(first.map(\.streamVersion), [1, 2, 3])
        XCTAssertEqual(second.map(\.streamVersion), [1, 2])
        XCTAssertEqual(third.streamVersion, 4)
        XCTAssertEqual(try store.read(after: 0, limit: 100), first + second + [third])
        XCTAssertEqual(try store.lastSeq(), 6)
    }

    /// Every kind of payload, times and actors come back exactly as appended.
    public func roundTripsEveryKind() throws {
        let store = try makeSubject().store
        let pending = EventSamples.everyKindPending(deploy: alpha)
        let appended = try store.append(pending, expected: .noStream)
        XCTAssertEqual(appended.map(\.payload), pending.map(\.payload))
        XCTAssertEqual(appended.map(\.actor), pending.map(\.actor))
        for (event, original) in zip(appended, pending) {
            XCTAssertEqual(event.time.timeIntervalSince1970, original.time.timeIntervalSince1970, accuracy: 1e-6)
            XCTAssertEqual(event.deploy, alpha)
            XCTAssertEqual(event.schemaVersion, EventPayload.currentSchemaVersion)
        }
        XCTAssertEqual(try store.read(after: 0, limit: 1000), appended)
    }

    /// `read(after:limit:)` starts after `after` and stops at `limit`.
    public func readHonoursAfterAndLimit() throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(10, deploy: alpha), expected: .any)
        XCTAssertEqual(try store.read(after: 3, limit: 4).map(\.seq), [4, 5, 6, 7])
        XCTAssertEqual(try store.read(after: 8, limit: 100).map(\.seq), [9, 10])
        XCTAssertEqual(try store.read(after: 10, limit: 100), [])
        XCTAssertEqual(try store.read(after: 0, limit: 0), [])
        XCTAssertEqual(try store.read(after: -5, limit: 2).map(\.seq), [1, 2])
    }

    /// `readStream` returns one deploy's events in stream order, and nothing for an unknown deploy.
    public func readStreamReturnsOneDeploy() throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(2, deploy: alpha), expected: .any)
        _ = try store.append(EventSamples.logLines(3, deploy: beta), expected: .any)
        _ = try store.append(EventSamples.logLines(2, deploy: alpha, from: 2), expected: .any)
        let stream = try store.readStream(alpha)
        XCTAssertEqual(stream.map(\.seq), [1, 2, 6, 7])
        XCTAssertEqual(stream.map(\.streamVersion), [1, 2, 3, 4])
        XCTAssertEqual(try store.readStream(beta).map(\.seq), [3, 4, 5])
        XCTAssertEqual(try store.readStream(DeployID("nobody")), [])
    }

    /// `forEach` visits every event after `after` once, in order, across its internal chunks.
    public func forEachVisitsEveryEventOnce() throws {
        let store = try makeSubject().store
        for batch in 0..<10 {
            _ = try store.append(EventSamples.logLines(1000, deploy: alpha, from: batch * 1000), expected: .any)
        }
        var seqs: [Int64] = []
        try store.forEach(after: 0) { seqs.append($0.seq) }
        XCTAssertEqual(seqs, Array(1...10_000))
        var tail: [Int64] = []
        try store.forEach(after: 9_995) { tail.append($0.seq) }
        XCTAssertEqual(tail, [9_996, 9_997, 9_998, 9_999, 10_000])
        XCTAssertThrowsError(try store.forEach(after: 0) { _ in throw CocoaError(.userCancelled) })
    }

    /// `lastSeq` and `streamVersion` follow appends; unknown streams are at version 0.
    public func lastSeqAndStreamVersion() throws {
        let store = try makeSubject().store
        XCTAssertEqual(try store.streamVersion(alpha), 0)
        _ = try store.append(EventSamples.logLines(4, deploy: alpha), expected: .any)
        _ = try store.append(EventSamples.logLines(1, deploy: beta), expected: .any)
        XCTAssertEqual(try store.lastSeq(), 5)
        XCTAssertEqual(try store.streamVersion(alpha), 4)
        XCTAssertEqual(try store.streamVersion(beta), 1)
        XCTAssertEqual(try store.streamVersion(DeployID("nobody")), 0)
    }

    /// An empty append changes nothing and returns nothing.
    public func emptyAppendIsANoOp() throws {
        let store = try makeSubject().store
        XCTAssertEqual(try store.append([], expected: .any), [])
        XCTAssertEqual(try store.lastSeq(), 0)
    }

    // MARK: - Reopening

    /// A reopened store holds every event, numbers on from where it was, and keeps stream versions.
    public func reopenKeepsEverything() throws {
        let subject = try makeSubject()
        let appended = try subject.store.append(EventSamples.everyKindPending(deploy: alpha), expected: .noStream)
            + subject.store.append(EventSamples.logLines(5, deploy: beta), expected: .noStream)
        let reopened = try subject.reopen()
        XCTAssertEqual(try reopened.read(after: 0, limit: 1000), appended)
        XCTAssertEqual(try reopened.lastSeq(), Int64(appended.count))
        XCTAssertEqual(try reopened.streamVersion(alpha), Int64(EventSamples.everyKind.count))
        let next = try reopened.append(EventSamples.tick("tests", deploy: beta), expected: .exact(5))
        XCTAssertEqual(next.seq, Int64(appended.count) + 1)
        XCTAssertEqual(next.streamVersion, 6)
    }
}
