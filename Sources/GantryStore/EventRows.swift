import Foundation
import GantryCore
import GRDB
import GRDBSQLite

/// A row that failed its checksum or did not decode.
struct RowFault: Error {
    let seq: Int64
    let detail: String
}

/// How one event is laid out in the `events` table, and how it is read back fast:
/// a `Row` cursor, the payload blob read in place and handed to `EventCodec` without copying.
enum EventRows {
    // MARK: - SQL

    static let columns = "seq, stream, stream_version, kind, schema, time, actor, payload, crc"
    static let insertSQL = """
        INSERT INTO events (\(columns), hash) VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, X''), ?, ?)
        """
    static let lastHashSQL = "SELECT hash FROM events ORDER BY seq DESC LIMIT 1"
    static let afterSQL = "SELECT \(columns) FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
    static let streamSQL = "SELECT \(columns) FROM events WHERE stream = ? ORDER BY stream_version"
    static let lastSeqSQL = "SELECT max(seq) FROM events"
    static let streamVersionSQL = "SELECT max(stream_version) FROM events WHERE stream = ?"

    // MARK: - Checksum

    /// CRC-32 over every field of a row, so a flipped bit anywhere in it is caught on read.
    static func checksum(seq: Int64, streamVersion: Int64, kind: UInt16, schema: UInt16, time: Double,
                         stream: String, actor: String, payload: UnsafeRawBufferPointer) -> UInt32 {
        var stream = stream
        var actor = actor
        return stream.withUTF8 { streamBytes in
            actor.withUTF8 { actorBytes in
                let header = (UInt64(bitPattern: seq).littleEndian,
                              UInt64(bitPattern: streamVersion).littleEndian,
                              (UInt64(kind) | UInt64(schema) << 16).littleEndian,
                              time.bitPattern.littleEndian,
                              UInt64(streamBytes.count).littleEndian,
                              UInt64(actorBytes.count).littleEndian)
                var crc = withUnsafeBytes(of: header) { RowChecksum.checksum($0) }
                crc = RowChecksum.checksum(UnsafeRawBufferPointer(streamBytes), seed: crc)
                crc = RowChecksum.checksum(UnsafeRawBufferPointer(actorBytes), seed: crc)
                return RowChecksum.checksum(payload, seed: crc)
            }
        }
    }

    // MARK: - Reading

    /// Runs a prepared select of `columns` and decodes every row.
    static func fetch(_ statement: Statement, arguments: StatementArguments,
                      reserving capacity: Int = 0) throws -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(capacity)
        try each(statement, arguments: arguments) { events.append($0) }
        return events
    }

    /// Runs a prepared select of `columns` and hands over each decoded row, in order.
    static func each(_ statement: Statement, arguments: StatementArguments, _ body: (consuming Event) -> Void) throws {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        let raw = statement.sqliteStatement
        var texts = TextCache()
        while try rows.next() != nil { body(try decode(raw, &texts)) }
    }

    /// Consecutive rows mostly share their stream and actor: the previous row's strings are
    /// reused when the bytes are the same (no allocation for a deploy id per row).
    struct TextCache {
        var stream = Entry()
        var actor = Entry()

        struct Entry {
            var bytes: [UInt8] = []
            var value = ""

            mutating func text(_ raw: SQLiteStatement, _ index: CInt, seq: Int64) throws -> String {
                guard sqlite3_column_type(raw, index) == SQLITE_TEXT else {
                    throw RowFault(seq: seq, detail: "column \(index) is not text")
                }
                let count = Int(sqlite3_column_bytes(raw, index))
                guard let pointer = sqlite3_column_text(raw, index) else { return "" }
                let fresh = UnsafeBufferPointer(start: pointer, count: count)
                if fresh.elementsEqual(bytes) { return value }
                bytes = Array(fresh)
                value = String(decoding: fresh, as: UTF8.self)
                return value
            }
        }
    }

    /// Decodes the current row of `columns`, verifying its checksum.
    ///
    /// Numbers are read straight from the statement (a NULL reads as 0, which the checksum
    /// then rejects); text is type-checked; the payload blob is read in place.
    static func decode(_ raw: SQLiteStatement, _ texts: inout TextCache) throws -> Event {
        let seq = Int64(sqliteStatement: raw, index: 0)
        let stream = try texts.stream.text(raw, 1, seq: seq)
        let version = Int64(sqliteStatement: raw, index: 2)
        let kindValue = Int64(sqliteStatement: raw, index: 3)
        let schemaValue = Int64(sqliteStatement: raw, index: 4)
        let time = Double(sqliteStatement: raw, index: 5)
        let actor = try texts.actor.text(raw, 6, seq: seq)
        let crc = Int64(sqliteStatement: raw, index: 8)
        guard let kind = UInt16(exactly: kindValue), let schema = UInt16(exactly: schemaValue) else {
            throw RowFault(seq: seq, detail: "kind \(kindValue) or schema \(schemaValue) out of range")
        }
        // The blob in place (sqlite3_column_blob), valid until the statement steps again.
        let length = Int(sqlite3_column_bytes(raw, 7))
        let bytes = UnsafeRawBufferPointer(start: length > 0 ? sqlite3_column_blob(raw, 7) : nil, count: length)
        let expected = checksum(seq: seq, streamVersion: version, kind: kind, schema: schema,
                                time: time, stream: stream, actor: actor, payload: bytes)
        guard Int64(expected) == crc else {
            throw RowFault(seq: seq, detail: "checksum mismatch (stored \(crc), computed \(expected))")
        }
        let payload: EventPayload
        do {
            payload = try EventCodec.decode(kind: kind, schema: schema, bytes: bytes)
        } catch {
            throw RowFault(seq: seq, detail: "\(error)")
        }
        return Event(seq: seq, streamVersion: version, time: Date(timeIntervalSince1970: time), actor: actor,
                     deploy: DeployID(stream), schemaVersion: schema, payload: payload)
    }
}
