import Foundation
import GantryCore
import GRDB

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
        INSERT INTO events (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, X''), ?)
        """
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
                var crc = withUnsafeBytes(of: header) { CRC32.checksum($0) }
                crc = CRC32.checksum(UnsafeRawBufferPointer(streamBytes), seed: crc)
                crc = CRC32.checksum(UnsafeRawBufferPointer(actorBytes), seed: crc)
                return CRC32.checksum(payload, seed: crc)
            }
        }
    }

    // MARK: - Reading

    /// Runs a prepared select of `columns` and decodes every row.
    static func fetch(_ statement: Statement, arguments: StatementArguments,
                      reserving capacity: Int = 0) throws -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(capacity)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { events.append(try decode(row)) }
        return events
    }

    /// Decodes one row of `columns`, verifying its checksum.
    static func decode(_ row: Row) throws -> Event {
        let seq = try row.decode(Int64.self, atIndex: 0)
        do {
            let stream = try row.decode(String.self, atIndex: 1)
            let version = try row.decode(Int64.self, atIndex: 2)
            let kindValue = try row.decode(Int64.self, atIndex: 3)
            let schemaValue = try row.decode(Int64.self, atIndex: 4)
            let time = try row.decode(Double.self, atIndex: 5)
            let actor = try row.decode(String.self, atIndex: 6)
            let crc = try row.decode(Int64.self, atIndex: 8)
            guard let kind = UInt16(exactly: kindValue), let schema = UInt16(exactly: schemaValue) else {
                throw RowFault(seq: seq, detail: "kind \(kindValue) or schema \(schemaValue) out of range")
            }
            let payload = try row.withUnsafeData(atIndex: 7) { data -> EventPayload in
                try (data ?? Data()).withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> EventPayload in
                    let expected = checksum(seq: seq, streamVersion: version, kind: kind, schema: schema,
                                            time: time, stream: stream, actor: actor, payload: bytes)
                    guard Int64(expected) == crc else {
                        throw RowFault(seq: seq, detail: "checksum mismatch (stored \(crc), computed \(expected))")
                    }
                    do {
                        return try EventCodec.decode(kind: kind, schema: schema, bytes: bytes)
                    } catch {
                        throw RowFault(seq: seq, detail: "\(error)")
                    }
                }
            }
            return Event(seq: seq, streamVersion: version, time: Date(timeIntervalSince1970: time), actor: actor,
                         deploy: DeployID(stream), schemaVersion: schema, payload: payload)
        } catch let fault as RowFault {
            throw fault
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw RowFault(seq: seq, detail: "unreadable column: \(error)")
        }
    }
}
