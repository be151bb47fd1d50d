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
    /// How far the log is known to have reached (moved after durable appends).
    let mark: StoreMark
    /// Events this store held once and no longer does, found when it opened; nil when whole.
    /// Every command reports it; the mark stays where it was until the log is restored.
    public let damage: LogDamage?
    /// What opening did to an older store (its one-time upgrade), for the user to read; nil when nothing.
    public let upgrade: String?
    private let watcher = Locked<(started: Bool, watcher: StoreFileWatcher?)>((false, nil))
    /// The log folded so far, for `StateSnapshot.state(of:)`: each call folds only what was
    /// appended since the last one.
    let folded = Locked(StateSnapshot.Folded())

    // MARK: - Opening

    /// The default store for a pipeline file: `.gantry/events.sqlite` in the pipeline file's directory.
    public static func defaultPath(forPipeline pipelinePath: String) -> String {
        URL(fileURLWithPath: pipelinePath).deletingLastPathComponent()
            .appendingPathComponent(".gantry").appendingPathComponent("events.sqlite").path
    }

    /// Opens the store at `path`, creating it (and its parent directories) when missing.
    ///
    /// A new store is built in a temporary file and linked into place whole, so no process ever
    /// sees a half-made one; a 0-byte file at `path` is therefore never Gantry's and is refused
    /// by every command alike (`.emptyFile`). A store whose directory cannot be written (a
    /// read-only mount, another user's directory) is still read: while no writer has it open
    /// its WAL is empty and the file alone holds every event.
    ///
    /// Throws `.notAStore` for any file that is not a Gantry store (not SQLite, another
    /// application's database, truncated), `.tooNew` for a newer store format, `.readOnly`
    /// when the store must be created but cannot be, `.diskFull`, `.io` when it cannot be read.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        var created = false
        switch try StoreSchema.inspect(path: path) {
        case .missing:
            if readOnly { throw .io("there is no event store at \(path)") }
            try Self.create(at: path)
            created = true
        case .empty:
            throw .emptyFile(path: path)
        case .database:
            break
        }
        let writable = !readOnly && Self.isWritable(path)
        isReadOnly = !writable
        // In a directory this process cannot write, SQLite cannot make the -shm file it reads a
        // WAL database through; with no WAL beside it, the file is the whole log and is read as
        // immutable (no locks, no -shm). A WAL that exists has a writer (or a crash) behind it:
        // its -shm exists too, and a plain read-only connection uses it.
        let openPath = !writable && !Self.directoryIsWritable(path) && !Self.hasWAL(path)
            ? Self.immutableURI(path) : path
        if !created { try Self.checkBeforeOpening(openPath, reportedAs: path) }

        var configuration = Configuration()
        configuration.label = "GantryStore"
        configuration.readonly = !writable
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool: DatabasePool
        var damage: LogDamage?
        var upgrade: String?
        do {
            pool = try DatabasePool(path: openPath, configuration: configuration)
            if writable {
                upgrade = try pool.writeWithoutTransaction { db in try StoreSchema.prepare(db, path: path) }
            } else if try pool.read({ db in try StoreSchema.classify(db, path: path) }) == .blank {
                throw StoreError.notAStore(path: path, detail: "an empty database, opened read-only")
            }
            damage = try pool.read { db in try Self.checkMark(db, path: path) }
        } catch {
            throw Self.explain(error, path: path, writable: writable)
        }
        self.pool = pool
        self.damage = damage
        self.upgrade = upgrade
        mark = StoreMark(storePath: path, frozen: damage != nil || !writable)
        hub = SubscriptionHub { [pool, path] in try SQLiteSubscriptionSource(path: path, pool: pool) }
    }

    deinit {
        hub.stop()
        watcher.withLock { $0.watcher?.stop() }
        pool.releaseMemory()  // readers close before the writer (see `close()`)
    }

    /// Ends every subscription and closes the file, once no read of the subscription thread can
    /// still touch it. Later calls do nothing; reads and appends after it throw.
    public func close() {
        hub.stop()
        watcher.withLock { state in
            state.watcher?.stop()
            state = (true, nil)
        }
        // Readers first, the writer last: the last connection to close checkpoints the WAL into
        // the file and deletes it (GRDB's close() closes the writer first, and a read-only
        // reader closing last leaves the WAL behind). A store left whole in one file can be
        // read from a read-only directory and copied alone.
        pool.releaseMemory()
        try? pool.close()
    }

    // MARK: - Creating, checking, explaining

    /// Makes a new, empty store at `path`: built beside it under a temporary name, then linked
    /// into place (a process that loses the race opens the winner's store). A mark left by a log
    /// that is gone is removed.
    private static func create(at path: String) throws(StoreError) {
        try createParent(of: path)
        let temporary = path + ".new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) } }
        do {
            let queue = try DatabaseQueue(path: temporary)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try StoreSchema.prepare(db, path: path)
            }
            try queue.close()
        } catch {
            throw explain(error, path: path, writable: true)
        }
        if link(temporary, path) == 0 {
            StoreMark.remove(storePath: path)
        } else if errno != EEXIST {
            let reason = String(cString: strerror(errno))
            throw errno == ENOSPC ? .diskFull(path: path) : .readOnly(path: path, detail: "cannot create it: \(reason)")
        }
    }

    /// Compares the log with its mark: a log that ends before the mark, or holds another event
    /// at the mark's place, lost events it once had.
    private static func checkMark(_ db: Database, path: String) throws -> LogDamage? {
        guard let mark = StoreMark.read(storePath: path) else { return nil }
        let last = try Int64.fetchOne(db.cachedStatement(sql: EventRows.lastSeqSQL)) ?? 0
        if last < mark.seq {
            return LogDamage(path: path, logEnd: last, kind: .missing((last + 1)...mark.seq))
        }
        let crc = try Int64.fetchOne(db, sql: "SELECT crc FROM events WHERE seq = ?", arguments: [mark.seq])
        return crc == mark.crc ? nil : LogDamage(path: path, logEnd: last, kind: .rewritten(seq: mark.seq))
    }

    /// A store error for what opening threw, saying why a read-only store could not be read.
    private static func explain(_ error: any Error, path: String, writable: Bool) -> StoreError {
        let failure = StoreError.from(error, path: path)
        guard !writable, case .io = failure, hasWAL(path), !directoryIsWritable(path) else { return failure }
        return .io("cannot read \(path): its directory is read-only and its WAL (\(path)-wal) holds events that "
            + "are not in the file yet, which SQLite can read only beside a writable -shm file; copy \(path) and "
            + "\(path)-wal to a writable directory and point --store at the copy")
    }

    /// Checks an existing file with a plain read-only connection first: opening a pool would
    /// switch a foreign database to WAL mode, i.e. write to a file that is not ours.
    private static func checkBeforeOpening(_ openPath: String, reportedAs path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: openPath, configuration: configuration)
            _ = try queue.inDatabase { db in try StoreSchema.classify(db, path: path) }
            try queue.close()
        } catch {
            throw explain(error, path: path, writable: false)
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

    private static func isWritable(_ path: String) -> Bool {
        directoryIsWritable(path) && FileManager.default.isWritableFile(atPath: path)
    }

    private static func directoryIsWritable(_ path: String) -> Bool {
        FileManager.default.isWritableFile(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Whether a non-empty WAL lies beside the store (a writer has it open, or one crashed).
    private static func hasWAL(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber
        return (size?.intValue ?? 0) > 0
    }

    /// A SQLite URI that opens `path` as an immutable file (no locks, no -shm).
    private static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
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
        // While `body` folds one chunk, the next is read and decoded on another thread (two
        // buffers): reading and folding overlap on two cores.
        let chunkSize = 4096
        let buffers = (UnsafeMutablePointer<Event>.allocate(capacity: chunkSize),
                       UnsafeMutablePointer<Event>.allocate(capacity: chunkSize))
        defer {
            buffers.0.deallocate()
            buffers.1.deallocate()
        }
        var current = readChunk(after: after, into: buffers.0, size: chunkSize)
        var chunk = buffers.0, spare = buffers.1
        while true {
            // Read ahead while this chunk is folded (only when it was full and whole).
            let ahead = current.count == chunkSize && current.failure == nil
            let next = ChunkBox()
            let group = DispatchGroup()
            if ahead {
                let from = (chunk + current.count - 1).pointee.seq
                let target = UnsafeMutableSendablePointer(spare)
                DispatchQueue.global(qos: .userInitiated).async(group: group) { [self] in
                    next.value = readChunk(after: from, into: target.pointer, size: chunkSize)
                }
            }
            for index in 0..<current.count {
                let event = (chunk + index).move()
                do { try body(event) } catch {
                    (chunk + index + 1).deinitialize(count: current.count - index - 1)
                    group.wait()
                    if let count = next.value?.count { spare.deinitialize(count: count) }
                    throw .io("while replaying event \(event.seq): \(error)")
                }
            }
            if let failure = current.failure { throw failure }
            guard ahead else { return }
            group.wait()
            current = next.value ?? ChunkRead(count: 0, failure: .io("a read ahead did not finish"))
            swap(&chunk, &spare)
        }
    }

    /// Decodes up to `size` events after `after` into `chunk`; the failure that stopped it, if any,
    /// comes after the events read before it.
    private func readChunk(after: Int64, into chunk: UnsafeMutablePointer<Event>, size: Int) -> ChunkRead {
        var count = 0
        do {
            try reading(at: after + 1) { db in
                try EventRows.each(db.cachedStatement(sql: EventRows.afterSQL), arguments: [after, size]) {
                    (chunk + count).initialize(to: $0)
                    count += 1
                }
            }
            return ChunkRead(count: count, failure: nil)
        } catch {
            return ChunkRead(count: count, failure: error)
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

/// One chunk read by `forEach`: how many events were decoded, and the failure that stopped it.
struct ChunkRead {
    var count: Int
    var failure: StoreError?
}

/// The read-ahead's result, handed from the reading thread to the folding one (the group's
/// wait orders the two).
final class ChunkBox: @unchecked Sendable {
    var value: ChunkRead?
}

/// A pointer handed to the reading thread; only one thread touches its memory at a time.
struct UnsafeMutableSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Event>
    init(_ pointer: UnsafeMutablePointer<Event>) { self.pointer = pointer }
}
