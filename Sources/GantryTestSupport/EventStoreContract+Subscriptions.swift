import Foundation
import GantryCore
import GantryStore
import XCTest

/// A subscription did not deliver in time.
public struct SubscriptionTimeout: Error, CustomStringConvertible {
    public let seconds: Double
    public var description: String { "no complete delivery within \(seconds) s" }
}

/// Collects the first `count` events of `stream`, or throws `SubscriptionTimeout`.
public func collect(_ count: Int, from stream: AsyncThrowingStream<Event, Error>,
                    timeout seconds: Double = 10) async throws -> [Event] {
    try await withThrowingTaskGroup(of: [Event]?.self) { group in
        group.addTask {
            var seen: [Event] = []
            guard count > 0 else { return seen }
            for try await event in stream {
                seen.append(event)
                if seen.count == count { return seen }
            }
            return seen
        }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let events = first else { throw SubscriptionTimeout(seconds: seconds) }
        return events
    }
}

extension EventStoreContract {
    // MARK: - Subscriptions

    /// A subscription first delivers the stored events after its cursor, then live ones,
    /// in order, without duplicates or gaps.
    public func subscriptionDeliversExistingThenLive() async throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(5, deploy: alpha), expected: .any)
        let stream = store.subscribe(after: 2)
        let live = Task.detached {
            for n in 0..<5 {
                _ = try store.append(EventSamples.logLines(2, deploy: n % 2 == 0 ? alpha : beta, from: 10 + n * 2),
                                     expected: .any)
                try await Task.sleep(nanoseconds: 3_000_000)
            }
        }
        let seen = try await collect(13, from: stream)
        try await live.value
        XCTAssertEqual(seen.map(\.seq), Array(3...15))
        XCTAssertEqual(seen, try store.read(after: 2, limit: 100))
    }

    /// A subscription from the end sees only what is appended afterwards.
    public func subscriptionFromTheEndSeesOnlyNewEvents() async throws {
        let store = try makeSubject().store
        _ = try store.append(EventSamples.logLines(3, deploy: alpha), expected: .any)
        let stream = store.subscribe(after: try store.lastSeq())
        let tick = try store.append(EventSamples.tick("backup", deploy: alpha))
        let seen = try await collect(1, from: stream)
        XCTAssertEqual(seen, [tick])
    }

    /// Two subscribers see the same events; one that stops early does not disturb the other,
    /// and the store keeps working after it stopped.
    public func subscribersAreIndependent() async throws {
        let store = try makeSubject().store
        let early = store.subscribe(after: 0)
        let full = store.subscribe(after: 0)
        _ = try store.append(EventSamples.logLines(3, deploy: alpha), expected: .any)
        let first = try await collect(1, from: early)
        XCTAssertEqual(first.map(\.seq), [1])
        _ = try store.append(EventSamples.logLines(3, deploy: alpha, from: 3), expected: .any)
        let all = try await collect(6, from: full)
        XCTAssertEqual(all.map(\.seq), Array(1...6))
        let later = store.subscribe(after: 5)
        _ = try store.append(EventSamples.tick("tests", deploy: alpha))
        let fromLater = try await collect(2, from: later)
        XCTAssertEqual(fromLater.map(\.seq), [6, 7])
    }

    /// Events appended through another handle on the same log (another connection, for a file
    /// store) reach a subscription too.
    public func subscriptionSeesAppendsThroughAnotherHandle() async throws {
        let subject = try makeSubject()
        let other = try subject.reopen()
        let stream = subject.store.subscribe(after: 0)
        let appended = try other.append(EventSamples.logLines(4, deploy: beta), expected: .any)
            + [other.append(EventSamples.tick("backup", deploy: beta))]
        let seen = try await collect(5, from: stream)
        XCTAssertEqual(seen, appended)
    }
}
