import Foundation
import GantryCore
import GRDB

extension SQLiteEventStore {
    // MARK: - Appending

    public func append(_ events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) -> [Event] {
        try append(events, expectations: AppendRules.expectations(of: events, expected: expected))
    }

    public func append(_ events: [PendingEvent], expectations: [DeployID: ExpectedVersion]) throws(StoreError) -> [Event] {
        guard !events.isEmpty else { return [] }
        guard !isReadOnly else { throw .readOnly(path: path, detail: "the store is open read-only") }
        let durable = events.contains { $0.payload.isDecision }
        // Encode outside the write lock: other writers wait less.
        let payloads = events.map { EventCodec.encode($0.payload) }
        let appended: [Event]
        var lastCRC: Int64 = 0
        do {
            appended = try pool.writeWithoutTransaction { db -> [Event] in
                try writer.useSynchronous(full: durable, db)
                var appended: [Event] = []
                try db.inTransaction(.immediate) {
                    for (stream, expected) in expectations.sorted(by: { $0.key < $1.key }) {
                        try AppendRules.checkVersion(expected, actual: currentVersion(of: stream, db), deploy: stream)
                    }
                    (appended, lastCRC) = try insert(events, payloads: payloads, db)
                    return .commit
                }
                return appended
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
        // Fsynced: the log now reaches this event for sure.
        if durable, let last = appended.last { mark.advance(to: StoreMark.Position(seq: last.seq, crc: lastCRC)) }
        hub.nudge()
        return appended
    }

    /// Makes every committed event durable (checkpoints the WAL into the file, fsyncing both)
    /// and moves the mark to the last one: used before a snapshot records how far the log went.
    func syncAndMark() throws(StoreError) {
        guard !isReadOnly else { return }
        do {
            let last = try pool.writeWithoutTransaction { db -> StoreMark.Position? in
                try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                return try Row.fetchOne(db, sql: "SELECT seq, crc FROM events ORDER BY seq DESC LIMIT 1")
                    .map { StoreMark.Position(seq: $0[0], crc: $0[1]) }
            }
            if let last { mark.advance(to: last) }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    private func currentVersion(of deploy: DeployID, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: EventRows.streamVersionSQL), arguments: [deploy.rawValue]) ?? 0
    }

    /// Numbers and inserts the events inside the caller's immediate transaction; returns them
    /// and the last one's row checksum.
    private func insert(_ events: [PendingEvent], payloads: [[UInt8]], _ db: Database) throws -> ([Event], Int64) {
        let last = try Int64.fetchOne(db.cachedStatement(sql: EventRows.lastSeqSQL)) ?? 0
        var link = try Data.fetchOne(db.cachedStatement(sql: EventRows.lastHashSQL)).map { [UInt8]($0) } ?? ChainHash.genesis
        let statement = try db.cachedStatement(sql: EventRows.insertSQL)
        let schema = EventPayload.currentSchemaVersion
        var versions: [DeployID: Int64] = [:]
        var appended: [Event] = []
        var lastCRC: Int64 = 0
        appended.reserveCapacity(events.count)
        for (index, pending) in events.enumerated() {
            let seq = last + Int64(index) + 1
            let version = try (versions[pending.deploy] ?? currentVersion(of: pending.deploy, db)) + 1
            versions[pending.deploy] = version
            let kind = pending.payload.kindCode
            let time = StoredTime.seconds(pending.time)
            let payload = payloads[index]
            let (crc, next) = payload.withUnsafeBytes { bytes in
                (EventRows.checksum(seq: seq, streamVersion: version, kind: kind, schema: schema, time: time,
                                    stream: pending.deploy.rawValue, actor: pending.actor, payload: bytes),
                 ChainHash.link(previous: link, seq: seq, streamVersion: version, kind: kind, schema: schema, time: time,
                                stream: pending.deploy.rawValue, actor: pending.actor, payload: bytes))
            }
            link = next
            statement.setUncheckedArguments([seq, pending.deploy.rawValue, version, Int64(kind), Int64(schema),
                                             time, pending.actor, Data(payload), Int64(crc), Data(next)])
            try statement.execute()
            lastCRC = Int64(crc)
            appended.append(Event(seq: seq, streamVersion: version, time: Date(timeIntervalSince1970: time),
                                  actor: pending.actor, deploy: pending.deploy, schemaVersion: schema,
                                  payload: pending.payload))
        }
        return (appended, lastCRC)
    }
}

/// The writer connection's durability setting, changed only when an append needs the other one.
/// Touched only inside GRDB's serialized writer.
final class WriterSettings: @unchecked Sendable {
    private var full = false

    func useSynchronous(full wanted: Bool, _ db: Database) throws {
        guard wanted != full else { return }
        try db.execute(sql: wanted ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        full = wanted
    }
}
