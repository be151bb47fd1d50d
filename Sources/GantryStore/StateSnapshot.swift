import Foundation
import GantryCore

/// A cache of folded state beside a store (`events.sqlite.snapshot`), so opening a long log does
/// not refold every event: the state as of event `seq`, plus the identity of that event, so a
/// snapshot is only ever used with the log it was taken from.
///
/// The log stays the only source of truth. A snapshot that is missing, unreadable, of another
/// format, of another log, ahead of the log (a torn tail was dropped) or taken with other ring
/// capacities is ignored and every event is folded; deleting the file is always safe.
public enum StateSnapshot {
    /// Bumped whenever the shape of `GantryState` or what the reducer makes of an event changes;
    /// older snapshots are then ignored.
    public static let format = 6

    /// Fold events since the last snapshot and write a new one when at least this many were folded.
    public static let refreshAfter = 10_000

    /// The snapshot file of the store at `storePath`.
    public static func path(forStore storePath: String) -> String { storePath + ".snapshot" }

    /// What a load did.
    public struct Loaded: Sendable {
        /// The folded state, complete up to the log's last event.
        public var state: GantryState
        /// The seq the snapshot covered, or nil when every event was folded.
        public var snapshotSeq: Int64?
        /// Events folded after the snapshot (or all of them).
        public var folded: Int
        /// Whether one of them was of a kind this build does not know (a newer Gantry wrote it):
        /// such a state is not saved, so a newer build never trusts what this one folded.
        public var sawUnknownKinds: Bool
    }

    /// What the file holds: `magic`, then the format, the seq and the identity of the event at
    /// `seq` (stream version, time, actor, deploy), then the state (`StateCodec`).
    private struct File {
        var format: Int
        var seq: Int64
        /// The event at `seq`, as the log has it: its stream version, time, actor and deploy.
        var streamVersion: Int64
        var time: Date
        var actor: String
        var deploy: DeployID
        var state: GantryState
    }

    /// The first bytes of a snapshot file (a JSON snapshot of format 5 or older starts with `{`).
    static let magic = Array("GANTRYSS".utf8)

    /// The store's state: from a valid snapshot plus the events after it, else from every event.
    public static func load(_ store: SQLiteEventStore, into initial: GantryState = GantryState()) throws(StoreError) -> Loaded {
        var state = initial
        var snapshotSeq: Int64?
        if let file = read(store: store, capacitiesOf: initial) {
            state = file.state
            snapshotSeq = file.seq
        }
        var folded = 0
        var unknown = false
        try store.forEach(after: state.lastSeq) {
            if case .unrecognized = $0.payload { unknown = true }
            Reducer.reduce(into: &state, $0)
            folded += 1
        }
        return Loaded(state: state, snapshotSeq: snapshotSeq, folded: folded, sawUnknownKinds: unknown)
    }

    /// Loads, and writes a fresh snapshot when many events were folded past the old one (best
    /// effort: a store in a read-only directory simply has none).
    public static func loadAndRefresh(_ store: SQLiteEventStore, into initial: GantryState = GantryState()) throws(StoreError) -> GantryState {
        let loaded = try load(store, into: initial)
        if loaded.folded >= refreshAfter, !loaded.sawUnknownKinds { try? save(loaded.state, for: store) }
        return loaded.state
    }

    /// The folded state of any store. A SQLite store keeps the state it folded in memory, so
    /// each call folds only the events appended since the last (the first goes through the
    /// snapshot); the snapshot is refreshed when it falls far behind. Other stores fold every
    /// event.
    public static func state(of store: any EventStore) throws(StoreError) -> GantryState {
        if let sqlite = store as? SQLiteEventStore { return try current(sqlite) }
        var state = GantryState()
        try store.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
        return state
    }

    /// What a store folded so far (`SQLiteEventStore.folded`).
    struct Folded {
        var state: GantryState?
        /// Events folded since the snapshot was last written (or found current).
        var unsaved = 0
        var sawUnknownKinds = false
    }

    private static func current(_ store: SQLiteEventStore) throws(StoreError) -> GantryState {
        try store.folded.withLock { (cache: inout Folded) throws(StoreError) -> GantryState in
            var folded = 0
            var state: GantryState
            if cache.state != nil {
                // Taken out, so this is the only reference and folding changes it in place (on
                // an error the next call loads afresh).
                state = cache.state.take()!
                try store.forEach(after: state.lastSeq) {
                    if case .unrecognized = $0.payload { cache.sawUnknownKinds = true }
                    Reducer.reduce(into: &state, $0)
                    folded += 1
                }
            } else {
                let loaded = try load(store)
                state = loaded.state
                folded = loaded.folded
                cache.sawUnknownKinds = loaded.sawUnknownKinds
            }
            cache.unsaved += folded
            if cache.unsaved >= refreshAfter, !cache.sawUnknownKinds {
                try? save(state, for: store)
                cache.unsaved = 0
            }
            cache.state = state
            return state
        }
    }

    /// Writes `state` as the store's snapshot (atomically: a reader sees the old file or the new).
    /// The log is made durable first and its mark moved to the snapshot's end, so a log that
    /// later falls behind the snapshot is reported (`SQLiteEventStore.damage`), not ignored.
    public static func save(_ state: GantryState, for store: SQLiteEventStore) throws {
        guard store.damage == nil else { return }
        if !store.isReadOnly { try store.syncAndMark() }
        guard state.lastSeq > 0, let last = try store.read(after: state.lastSeq - 1, limit: 1).first,
              last.seq == state.lastSeq else { return }
        var writer = BinaryWriter(capacity: 1 << 20)
        writer.append(magic)
        writer.write(format)
        writer.write(Int(last.seq))
        writer.write(Int(last.streamVersion))
        writer.write(last.time)
        writer.write(last.actor)
        writer.write(last.deploy.rawValue)
        writer.append(StateCodec.encode(state))
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path(forStore: store.path)), options: .atomic)
    }

    /// The file's fields, or nil when it is not a snapshot of this format.
    private static func decode(_ data: Data) -> File? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> File? in
            guard bytes.count > magic.count, bytes.prefix(magic.count).elementsEqual(magic) else { return nil }
            var reader = BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[magic.count...]))
            do throws(CodecError) {
                let format = try reader.readInt()
                guard format == Self.format else { return nil }
                let seq = Int64(try reader.readInt())
                let streamVersion = Int64(try reader.readInt())
                let time = try reader.readDate()
                let actor = try reader.readString()
                let deploy = DeployID(try reader.readString())
                let state = try StateCodec.decode(UnsafeRawBufferPointer(rebasing: bytes[(magic.count + reader.offset)...]))
                return File(format: format, seq: seq, streamVersion: streamVersion, time: time, actor: actor,
                            deploy: deploy, state: state)
            } catch {
                return nil
            }
        }
    }

    private static func read(store: SQLiteEventStore, capacitiesOf initial: GantryState) -> File? {
        guard let data = FileManager.default.contents(atPath: path(forStore: store.path)) else { return nil }
        guard let file = decode(data),
              file.state.lastSeq == file.seq,
              file.state.logCapacity == initial.logCapacity, file.state.metricCapacity == initial.metricCapacity,
              let event = try? store.read(after: file.seq - 1, limit: 1).first, event.seq == file.seq,
              event.streamVersion == file.streamVersion, event.time == file.time,
              event.actor == file.actor, event.deploy == file.deploy else { return nil }
        return file
    }
}
