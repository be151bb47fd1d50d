import Foundation
import GantryCore
import GRDB

/// The embedded event store: one SQLite file in WAL mode, shared by every process that opens it.
///
/// - Appends are one `BEGIN IMMEDIATE` transaction each (all or nothing) and wait up to 10 s
///   for another writer, so several processes can append without losing or duplicating events.
/// - An append holding a decision (`EventPayload.isDecision`) commits with `synchronous=FULL`
///   (the WAL is fsynced before `append` returns); others commit with `NORMAL` (fsynced at the
///   next checkpoint or durable append), which is what makes batched appends fast.
/// - Every row carries a CRC-32 over all its fields; a row that fails it, or whose payload does
///   not decode, is reported as `StoreError.corrupt` with its sequence number.
/// - A store that cannot be written (read-only file or directory, or opened with `readOnly`)
///   still reads; its appends throw `StoreError.readOnly`.
public final class SQLiteEventStore: EventStore {
    /// The store's file.
    public let path: String
    /// True when appends are refused (opened read-only, or the file or its directory is not writable).
    public let isReadOnly: Bool

    let pool: DatabasePool
    let writer = WriterSettings()
    let hub: SubscriptionHub
    private let watcher = Locked<(started: Bool, watcher: StoreFileWatcher?)>((false, nil))

    // MARK: - Opening

    /// The default store for a pipeline file: `.gantry/events.sqlite` in the pipeline file's directory.
    public static func defaultPath(forPipeline pipelinePath: String) -> String {
        URL(fileURLWithPath: pipelinePath).deletingLastPathComponent()
            .appendingPathComponent(".gantry").appendingPathComponent("events.sqlite").path
    }

    /// Opens the store at `path`, creating it (and its parent directories) when missing.
    ///
    /// Throws `.notAStore` for any file that is not a Gantry store (not SQLite, another
    /// application's database, truncated), `.tooNew` for a newer store format, `.readOnly`
    /// when the store must be created but cannot be, `.io` when it cannot be read.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        let file = try StoreSchema.inspect(path: path)
        if file == .missing {
            if readOnly { throw .io("there is no event store at \(path)") }
            try Self.createParent(of: path)
        }
        let writable = !readOnly && Self.isWritable(path, exists: file != .missing)
        if file == .database { try Self.checkBeforeOpening(path) }
        isReadOnly = !writable

        var configuration = Configuration()
        configuration.label = "GantryStore"
        configuration.readonly = !writable
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if writable {
                try pool.writeWithoutTransaction { db in try StoreSchema.prepare(db, path: path) }
            } else if try pool.read({ db in try StoreSchema.classify(db, path: path) }) == .blank {
                throw StoreError.notAStore(path: path, detail: "an empty database, opened read-only")
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
        self.pool = pool
        hub = SubscriptionHub { [pool, path] in try SQLiteSubscriptionSource(path: path, pool: pool) }
    }

    deinit {
        hub.stop()
        watcher.withLock { $0.watcher?.stop() }
    }

    /// Ends every subscription and closes the file. Later calls throw.
    public func close() {
        hub.stop()
        watcher.withLock { state in
            state.watcher?.stop()
            state = (true, nil)
        }
        try? pool.close()
    }

    /// Checks an existing file with a plain read-only connection first: opening a pool would
    /// switch a foreign database to WAL mode, i.e. write to a file that is not ours.
    private static func checkBeforeOpening(_ path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.inDatabase { db in try StoreSchema.classify(db, path: path) }
            try queue.close()
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    private static func createParent(of path: String) throws(StoreError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .readOnly(path: path, detail: "cannot create directory \(directory.path)")
        }
    }

    private static func isWritable(_ path: String, exists: Bool) -> Bool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let manager = FileManager.default
        return manager.isWritableFile(atPath: directory) && (!exists || manager.isWritableFile(atPath: path))
    }

    // MARK: - Reading

    public func read(after: Int64, limit: Int) throws(StoreError) -> [Event] {
        guard limit > 0 else { return [] }
        return try reading(at: after + 1) { db in
            try EventRows.fetch(db.cachedStatement(sql: EventRows.afterSQL), arguments: [after, limit],
                                reserving: min(limit, 4096))
        }
    }

    public func readStream(_ deploy: DeployID) throws(StoreError) -> [Event] {
        try reading { db in
            try EventRows.fetch(db.cachedStatement(sql: EventRows.streamSQL), arguments: [deploy.rawValue])
        }
    }

    public func forEach(after: Int64, _ body: (Event) throws -> Void) throws(StoreError) {
        // Chunks keep memory flat and never run `body` inside a database access; events are
        // moved out of the chunk, which spares a retain and release per field on the replay path.
        let chunkSize = 4096
        let chunk = UnsafeMutablePointer<Event>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var cursor = after
        while true {
            var count = 0
            var failure: StoreError?
            do {
                try reading(at: cursor + 1) { db in
                    try EventRows.each(db.cachedStatement(sql: EventRows.afterSQL), arguments: [cursor, chunkSize]) {
                        (chunk + count).initialize(to: $0)
                        count += 1
                    }
                }
            } catch {
                failure = error  // deliver the events before the damaged one first
            }
            for index in 0..<count {
                let event = (chunk + index).move()
                do { try body(event) } catch {
                    (chunk + index + 1).deinitialize(count: count - index - 1)
                    throw .io("while replaying event \(event.seq): \(error)")
                }
                cursor = event.seq
            }
            if let failure { throw failure }
            guard count == chunkSize else { return }
        }
    }

    public func lastSeq() throws(StoreError) -> Int64 {
        try reading { db in try Int64.fetchOne(db.cachedStatement(sql: EventRows.lastSeqSQL)) ?? 0 }
    }

    public func streamVersion(_ deploy: DeployID) throws(StoreError) -> Int64 {
        try reading { db in
            try Int64.fetchOne(db.cachedStatement(sql: EventRows.streamVersionSQL), arguments: [deploy.rawValue]) ?? 0
        }
    }

    /// Events appended by any process, delivered by the store's subscription thread
    /// (see `SubscriptionHub`): within ~25 ms, or at once for appends made through this instance.
    /// Where the kernel reports file changes (`StoreFileWatcher`), an idle subscription polls
    /// only once a second and wakes on other processes' writes instead.
    public func subscribe(after: Int64) -> AsyncThrowingStream<Event, Error> {
        watcher.withLock { state in
            guard !state.started else { return }
            state.started = true
            state.watcher = StoreFileWatcher.start(path: path) { [weak hub] in hub?.filesChanged() }
            if state.watcher != nil { hub.relyOnFileChanges(idleInterval: 1) }
        }
        return hub.subscribe(after: after)
    }

    /// Live subscriptions (for tests of clean termination).
    public var subscriptionCount: Int { hub.count }

    func reading<T>(at seq: Int64 = 0, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw StoreError.from(error, path: path, seq: seq) }
    }
}
