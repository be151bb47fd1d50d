import GantryCore

/// An append-only, ordered log of events, shared by every process that opens it.
///
/// Every implementation passes the shared contract suite in GantryTestSupport.
public protocol EventStore: AnyObject, Sendable {
    /// Appends `events`, which must all belong to one stream (deploy id) unless `expected` is `.any`.
    /// Returns them numbered. When any event is a decision (`EventPayload.isDecision`), the
    /// append is durable (fsynced) before this returns. All or nothing.
    func append(_ events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) -> [Event]

    /// Appends `events` (of any streams) if every stream in `expectations` is at its expected
    /// version when the append is made, in one transaction: all or nothing. A stream may be
    /// expected without being written to. This is how a decision made on folded state is
    /// recorded only if nothing it relied on moved meanwhile (see `Rulebook`).
    func append(_ events: [PendingEvent], expectations: [DeployID: ExpectedVersion]) throws(StoreError) -> [Event]

    /// Events with `seq > after`, in order, at most `limit`.
    func read(after: Int64, limit: Int) throws(StoreError) -> [Event]

    /// Every event of one stream, in order.
    func readStream(_ deploy: DeployID) throws(StoreError) -> [Event]

    /// Calls `body` with every event with `seq > after`, in order, without materialising them all.
    func forEach(after: Int64, _ body: (Event) throws -> Void) throws(StoreError)

    /// The highest sequence number in the log (0 when empty).
    func lastSeq() throws(StoreError) -> Int64

    /// The current version of a stream (0 when it has no events).
    func streamVersion(_ deploy: DeployID) throws(StoreError) -> Int64

    /// Events with `seq > after` as they are appended, by this process or any other,
    /// delivered within 100 ms. The stream ends when the consumer stops iterating.
    func subscribe(after: Int64) -> AsyncThrowingStream<Event, Error>
}

extension EventStore {
    /// Appends one event.
    @discardableResult
    public func append(_ event: PendingEvent, expected: ExpectedVersion = .any) throws(StoreError) -> Event {
        let events = try append([event], expected: expected)
        guard let first = events.first else { throw StoreError.io("append returned no event") }
        return first
    }
}
