import Foundation
import GantryCore

/// Where a hub reads from. Used only on the hub's own thread.
protocol SubscriptionSource: AnyObject {
    /// A number that changes whenever any other connection or process commits (cheap to read).
    func changeToken() throws -> Int64
    /// Events with `seq > after`, in order, at most `limit`.
    func events(after: Int64, limit: Int) throws -> [Event]
}

/// Delivers new events to a store's subscriptions from one background thread.
///
/// The thread sleeps on a condition while nobody subscribes (no CPU at all). With subscribers
/// it wakes every `interval` (25 ms) and reads one cheap change token (the last seq); only when
/// that moved does it read the new rows. Appends in this process wake it at once. When a file
/// watcher reports other processes' writes (`filesChanged`), polling is only needed around
/// them: after `activeWindow` without a report the thread sleeps `idleInterval` between looks.
/// Each subscription keeps its own cursor, so it gets every event exactly once and in order,
/// the ones already stored first. A subscription buffers at most `buffered` events: a reader
/// slower than the writers holds the hub back (it reads again when there is room) instead of
/// piling the whole log up in memory.
final class SubscriptionHub: @unchecked Sendable {
    typealias Continuation = AsyncThrowingStream<Event, Error>.Continuation

    private struct Subscriber {
        var cursor: Int64
        let continuation: Continuation
    }

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 0
    private var nudged = false
    private var stopped = false
    private var started = false
    private var idleInterval: TimeInterval?
    private var activeUntil = Date.distantPast
    /// The thread has returned and dropped its source (so its database may close).
    private var exited = false
    private var thread: pthread_t?

    private let interval: TimeInterval
    private let activeWindow: TimeInterval
    private let batch: Int
    private let buffered: Int
    private let makeSource: @Sendable () throws -> any SubscriptionSource

    init(interval: TimeInterval = 0.025, activeWindow: TimeInterval = 0.25, batch: Int = 1024, buffered: Int = 4096,
         makeSource: @escaping @Sendable () throws -> any SubscriptionSource) {
        self.interval = interval
        self.activeWindow = activeWindow
        self.batch = batch
        self.buffered = buffered
        self.makeSource = makeSource
    }

    // MARK: - Subscribing

    /// A new subscription to events with `seq > after`.
    func subscribe(after: Int64) -> AsyncThrowingStream<Event, Error> {
        let (stream, continuation) = AsyncThrowingStream<Event, Error>.makeStream(bufferingPolicy: .bufferingOldest(buffered))
        condition.lock()
        guard !stopped else {
            condition.unlock()
            continuation.finish()
            return stream
        }
        let id = nextID
        nextID += 1
        subscribers[id] = Subscriber(cursor: max(after, 0), continuation: continuation)
        nudged = true
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "GantryStore.subscriptions"
            thread.start()
        }
        condition.broadcast()
        condition.unlock()
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return stream
    }

    /// Live subscriptions.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return subscribers.count
    }

    /// Wakes the thread now (after an append in this process).
    func nudge() {
        condition.lock()
        if !subscribers.isEmpty {
            nudged = true
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Another process wrote to the store's files: poll every `interval` for `activeWindow`
    /// (the commit may become visible just after the write that reported it), and look now
    /// when this ends an idle spell (within a window the regular polls suffice: a writer
    /// streaming log lines reports thousands of writes a second).
    func filesChanged() {
        condition.lock()
        let now = Date()
        let wasIdle = now >= activeUntil
        activeUntil = now.addingTimeInterval(activeWindow)
        if wasIdle && !subscribers.isEmpty {
            nudged = true
            condition.broadcast()
        }
        condition.unlock()
    }

    /// From now on, poll only every `seconds` outside active windows (a watcher reports changes).
    func relyOnFileChanges(idleInterval seconds: TimeInterval) {
        condition.lock()
        idleInterval = seconds
        condition.broadcast()
        condition.unlock()
    }

    /// Ends every subscription and the thread, and waits until the thread has left the
    /// database and dropped its source: after `stop()` returns nothing of the hub reads, so the
    /// caller may close the pool. Safe to call more than once, and from the hub's own thread
    /// (which then only marks itself stopped: it is already outside the database).
    func stop() {
        condition.lock()
        stopped = true
        let ending = subscribers.values.map(\.continuation)
        subscribers.removeAll()
        condition.broadcast()
        let onHubThread = thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        condition.unlock()
        for continuation in ending { continuation.finish() }
        guard !onHubThread else { return }
        condition.lock()
        while started && !exited { condition.wait() }
        condition.unlock()
    }

    private func remove(_ id: Int) {
        condition.lock()
        subscribers.removeValue(forKey: id)
        condition.unlock()
    }

    // MARK: - The thread

    private func run() {
        condition.lock()
        thread = pthread_self()
        condition.unlock()
        loop()
        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    /// The thread's work; returns once stopped. Its source (and the connection it reads
    /// through) is released before `run` reports the exit.
    private func loop() {
        var source: (any SubscriptionSource)?
        var lastToken: Int64?
        // Some subscriber's buffer was full: read again at the next round even if nothing changed.
        var behind = false
        while true {
            if behind { usleep(UInt32(interval * 200_000)) }  // a fifth of the interval: no spinning

            condition.lock()
            while subscribers.isEmpty && !stopped { condition.wait() }
            if !nudged && !stopped {
                let now = Date()
                // Behind a slow reader, or around other processes' writes: poll; otherwise the
                // file watcher wakes the thread and the idle interval is only a safety net.
                let wait = behind ? interval : idleInterval.map { now < activeUntil ? interval : $0 } ?? interval
                _ = condition.wait(until: now.addingTimeInterval(wait))
            }
            let wasNudged = nudged
            nudged = false
            let pending = subscribers.map { (id: $0.key, cursor: $0.value.cursor) }
            condition.unlock()
            if isStopped { return }
            guard !pending.isEmpty else { continue }
            do {
                let current = try source ?? makeSource()
                source = current
                let token = try current.changeToken()
                guard wasNudged || behind || token != lastToken else { continue }
                lastToken = token
                behind = false
                for subscriber in pending where !deliver(to: subscriber.id, after: subscriber.cursor, from: current) {
                    behind = true
                }
            } catch {
                source = nil
                lastToken = nil
                fail(pending.map(\.id), with: error)
            }
        }
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Reads and yields one batch; asks for another round at once after a non-empty one.
    /// Returns false when the subscriber's buffer filled up (the rest waits for room).
    private func deliver(to id: Int, after cursor: Int64, from source: any SubscriptionSource) -> Bool {
        let events: [Event]
        do { events = try source.events(after: cursor, limit: batch) } catch {
            fail([id], with: error)
            return true
        }
        guard !events.isEmpty else { return true }
        condition.lock()
        guard let subscriber = subscribers[id] else {
            condition.unlock()
            return true
        }
        condition.unlock()
        // Only this thread yields or moves cursors, so order holds without the lock.
        var delivered: Int64?
        var full = false
        for event in events {
            switch subscriber.continuation.yield(event) {
            case .terminated:
                remove(id)
                return true
            case .dropped:
                full = true
            case .enqueued:
                delivered = event.seq
            @unknown default:
                full = true
            }
            if full { break }
        }
        condition.lock()
        if let delivered { subscribers[id]?.cursor = delivered }
        // Look again at once: a full batch has more behind it, and a short one may have
        // stopped before a damaged row whose error the next read reports.
        if !full { nudged = true }
        condition.unlock()
        return !full
    }

    private func fail(_ ids: [Int], with error: any Error) {
        condition.lock()
        let ending = ids.compactMap { subscribers.removeValue(forKey: $0)?.continuation }
        condition.unlock()
        for continuation in ending { continuation.finish(throwing: error) }
    }
}
