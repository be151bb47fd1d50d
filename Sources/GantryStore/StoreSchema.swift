import Foundation
import GRDB

/// The on-disk format of a Gantry store, and the checks that tell it apart from any other file.
///
/// A store is a SQLite database (WAL mode) with `PRAGMA application_id` = "Gant" and
/// `PRAGMA user_version` = the store format, holding one `events` table.
enum StoreSchema {
    /// `PRAGMA application_id`: the ASCII bytes "Gant".
    static let applicationID: Int32 = 0x4761_6E74
    /// `PRAGMA user_version`: the store format this build writes and reads.
    static let formatVersion = 1

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

    /// Creates the schema in a blank database; does nothing to a Gantry store.
    /// Runs in an immediate transaction, so two processes creating the same store agree.
    static func prepare(_ db: Database, path: String) throws {
        try db.inTransaction(.immediate) {
            if try classify(db, path: path) == .blank { try db.execute(sql: createSQL) }
            return .commit
        }
    }
}
