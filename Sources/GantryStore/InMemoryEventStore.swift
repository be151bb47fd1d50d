import Foundation
import GantryCore

/// An event store held in memory, with exactly the semantics of `SQLiteEventStore`
/// (numbering, optimistic concurrency, subscriptions), for tests and previews.
///
/// Thread-safe; subscribers see an append before `append` returns. Nothing survives the process.
public final class InMemoryEventStore: EventStore {
    private typealias Continuation = AsyncThrowingStream<Event, Error>.Continuation

    private struct State {
        var events: [Event] = []
        var versions: [DeployID: Int64] = [:]
        var subscribers: [Int: Continuation] = [:]
        var nextSubscriber = 0
    }

    private let state = Locked(State())

    /// Creates an empty store.
    public init() {}

    deinit {
        let continuations = state.withLock { $0.subscribers.values }
        for continuation in continuations { continuation.finish() }
    }

    // MARK: - Writing

    public func append(_ events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) -> [Event] {
        try append(events, expectations: AppendRules.expectations(of: events, expected: expected))
    }

    public func append(_ events: [PendingEvent], expectations: [DeployID: ExpectedVersion]) throws(StoreError) -> [Event] {
        guard !events.isEmpty else { return [] }
        return try state.withLock { (state) throws(StoreError) -> [Event] in
            for (stream, expected) in expectations.sorted(by: { $0.key < $1.key }) {
                try AppendRules.checkVersion(expected, actual: state.versions[stream] ?? 0, deploy: stream)
            }
            var appended: [Event] = []
            appended.reserveCapacity(events.count)
            for pending in events {
                let version = (state.versions[pending.deploy] ?? 0) + 1
                state.versions[pending.deploy] = version
                let event = Event(seq: Int64(state.events.count + 1), streamVersion: version,
                                  time: StoredTime.normalized(pending.time), actor: pending.actor,
                                  deploy: pending.deploy, payload: pending.payload)
                state.events.append(event)
                appended.append(event)
            }
            // Yielding under the lock keeps every subscriber's order equal to the log's.
            for continuation in state.subscribers.values {
                for event in appended { continuation.yield(event) }
            }
            return appended
        }
    }

    // MARK: - Reading

    public func read(after: Int64, limit: Int) throws(StoreError) -> [Event] {
        state.withLock { state in
            let start = Int(clamping: max(after, 0))
            guard limit > 0, start < state.events.count else { return [] }
            let end = start + min(limit, state.events.count - start)
            return Array(state.events[start..<end])
        }
    }

    public func readStream(_ deploy: DeployID) throws(StoreError) -> [Event] {
        state.withLock { $0.events.filter { $0.deploy == deploy } }
    }

    public func forEach(after: Int64, _ body: (Event) throws -> Void) throws(StoreError) {
        var cursor = after
        while true {
            let chunk = try read(after: cursor, limit: 4096)
            for event in chunk {
                do { try body(event) } catch { throw .io("while replaying event \(event.seq): \(error)") }
            }
            guard let last = chunk.last, chunk.count == 4096 else { return }
            cursor = last.seq
        }
    }

    public func lastSeq() throws(StoreError) -> Int64 {
        state.withLock { Int64($0.events.count) }
    }

    public func streamVersion(_ deploy: DeployID) throws(StoreError) -> Int64 {
        state.withLock { $0.versions[deploy] ?? 0 }
    }

    // MARK: - Subscribing

    public func subscribe(after: Int64) -> AsyncThrowingStream<Event, Error> {
        let (stream, continuation) = AsyncThrowingStream<Event, Error>.makeStream()
        let id = state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            let start = Int(clamping: max(after, 0))
            if start < state.events.count {
                for event in state.events[start...] { continuation.yield(event) }
            }
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many subscriptions are live (for tests of clean termination).
    public var subscriptionCount: Int { state.withLock { $0.subscribers.count } }
}
