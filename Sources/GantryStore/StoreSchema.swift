import Foundation
import GRDB

/// The on-disk format of a Gantry store, and the checks that tell it apart from any other file.
///
/// A store is a SQLite database (WAL mode) with `PRAGMA application_id` = "Gant" and
/// `PRAGMA user_version` = the store format, holding one `events` table.
///
/// Format 1 had no chain; format 2 adds `hash`, each row's SHA-256 link (`ChainHash`). A format-1
/// store opened for writing is upgraded once: its rows are chained in order, in one transaction.
enum StoreSchema {
    /// `PRAGMA application_id`: the ASCII bytes "Gant".
    static let applicationID: Int32 = 0x4761_6E74
    /// `PRAGMA user_version`: the store format this build writes and reads.
    static let formatVersion = 2

    static let createSQL = """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            stream TEXT NOT NULL,
            stream_version INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            schema INTEGER NOT NULL,
            time REAL NOT NULL,
            actor TEXT NOT NULL,
            payload BLOB NOT NULL,
            crc INTEGER NOT NULL,
            hash BLOB NOT NULL,
            UNIQUE (stream, stream_version)
        );
        PRAGMA application_id = \(applicationID);
        PRAGMA user_version = \(formatVersion);
        """

    // MARK: - The file, before SQLite sees it

    /// What lies at a store's path.
    enum FileState { case missing, empty, database }

    private static let magic = Array("SQLite format 3\0".utf8)

    /// Looks at the file's first bytes, so that SQLite never opens (or converts) a file that is not a database.
    static func inspect(path: String) throws(StoreError) -> FileState {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { throw .notAStore(path: path, detail: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io("cannot read \(path): permission denied or not a regular file")
        }
        defer { try? handle.close() }
        let header: Data
        do { header = try handle.read(upToCount: 100) ?? Data() } catch {
            throw .io("cannot read \(path): \(error.localizedDescription)")
        }
        if header.isEmpty { return .empty }
        guard header.count >= magic.count, Array(header.prefix(magic.count)) == magic else {
            throw .notAStore(path: path, detail: "not a SQLite database")
        }
        guard header.count == 100 else {
            throw .notAStore(path: path, detail: "the file is truncated (\(header.count) bytes, less than a SQLite header)")
        }
        return .database
    }

    // MARK: - The database

    /// What an opened database holds.
    enum Content { case gantry, blank }

    /// Tells a Gantry store from a blank database and rejects foreign or too-new ones.
    static func classify(_ db: Database, path: String) throws -> Content {
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if application == applicationID {
            guard version <= formatVersion else { throw StoreError.tooNew(path: path, version: version) }
            guard tables.contains("events") else {
                throw StoreError.notAStore(path: path, detail: "a Gantry store without its events table")
            }
            return .gantry
        }
        guard application == 0 else {
            throw StoreError.notAStore(path: path, detail: "a SQLite database of another application (application_id \(application))")
        }
        guard tables.isEmpty, version == 0 else {
            let names = tables.prefix(3).joined(separator: ", ")
            throw StoreError.notAStore(path: path, detail: "a SQLite database of another application (tables: \(names))")
        }
        return .blank
    }

    /// Creates the schema in a blank database, and upgrades an older Gantry store; returns what
    /// an upgrade did (nil when none was needed). Runs in an immediate transaction, so two
    /// processes creating or upgrading the same store agree.
    @discardableResult
    static func prepare(_ db: Database, path: String) throws -> String? {
        var upgrade: String?
        try db.inTransaction(.immediate) {
            if try classify(db, path: path) == .blank {
                try db.execute(sql: createSQL)
            } else if try Int.fetchOne(db, sql: "PRAGMA user_version") == 1 {
                upgrade = try chainFormat1(db, path: path)
            }
            return .commit
        }
        return upgrade
    }

    /// The store format of an opened Gantry store.
    static func format(_ db: Database) throws -> Int { try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }

    /// Format 1 → 2: adds each row's link, in seq order.
    private static func chainFormat1(_ db: Database, path: String) throws -> String {
        try db.execute(sql: "ALTER TABLE events ADD COLUMN hash BLOB NOT NULL DEFAULT X''")
        let update = try db.makeStatement(sql: "UPDATE events SET hash = ? WHERE seq = ?")
        var previous = ChainHash.genesis
        var count = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, stream, stream_version, kind, schema, time, actor, payload FROM events ORDER BY seq")
        var links: [(Int64, [UInt8])] = []
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            let payload: Data = row[7] ?? Data()
            let link = payload.withUnsafeBytes { bytes in
                ChainHash.link(previous: previous, seq: seq, streamVersion: row[2], kind: UInt16(truncatingIfNeeded: row[3] as Int64),
                               schema: UInt16(truncatingIfNeeded: row[4] as Int64), time: row[5], stream: row[1], actor: row[6],
                               payload: bytes)
            }
            links.append((seq, link))
            previous = link
            count += 1
        }
        for (seq, link) in links { try update.execute(arguments: [Data(link), seq]) }
        try db.execute(sql: "PRAGMA user_version = \(formatVersion)")
        return "upgraded \(path) to store format \(formatVersion): chained its \(count) events with SHA-256 links "
            + "(`gantry verify` checks them); older gantry builds can no longer open it"
    }
}
