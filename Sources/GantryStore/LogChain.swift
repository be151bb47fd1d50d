import Foundation
import GantryCore
import GRDB

/// Where a store's chain of links breaks (see `ChainHash`).
public struct ChainProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The row fails its checksum: edited after it was written.
        case edited
        /// The row's link does not match its fields and the link before it: this row was edited
        /// (its checksum recomputed), or the row before it was rewritten link and all, or inserted.
        case broken
        /// Rows are missing before this one: `seq` jumps from `after` to this row.
        case missing(after: Int64)
        /// The deploy's stream skips versions before this row: an event of that deploy was deleted.
        case streamGap(stream: String, expected: Int64)
    }

    public var seq: Int64
    public var kind: Kind

    /// A few words for a status line: `event 12 was changed`.
    public var summary: String {
        switch kind {
        case .edited, .broken: "event \(seq) was changed"
        case .missing(let after): "events after \(after) were deleted"
        case .streamGap(let stream, _): "an event of \(stream) was deleted"
        }
    }

    public var description: String {
        switch kind {
        case .edited:
            "event \(seq) was changed after it was written (it fails its checksum)"
        case .broken:
            "the chain breaks at event \(seq): event \(seq), or event \(seq - 1) before it, was changed or inserted after "
                + "it was written (its SHA-256 link does not match)"
        case .missing(let after):
            after + 1 == seq - 1 ? "event \(after + 1) is missing (deleted): the log goes from \(after) to \(seq)"
                : "events \(after + 1)–\(seq - 1) are missing (deleted): the log goes from \(after) to \(seq)"
        case .streamGap(let stream, let expected):
            "\(stream)'s event version \(expected) is missing (deleted) before event \(seq)"
        }
    }
}

/// The result of walking a whole chain.
public struct ChainReport: Sendable, Equatable {
    /// Events checked.
    public var checked: Int
    /// The last event's link, in hex (its first bytes).
    public var tip: String
    /// The first problem found; nil when the chain is whole.
    public var problem: ChainProblem?
    /// False for a store of the format before chains (read-only, not upgraded yet).
    public var chained: Bool
}

extension SQLiteEventStore {
    private static let chainColumns = "seq, stream, stream_version, kind, schema, time, actor, payload, crc, hash"

    /// Walks every event in order: recomputes each row's checksum and link, and checks that
    /// `seq` and every stream's versions have no gap. Stops at the first problem.
    public func verifyChain() throws(StoreError) -> ChainReport {
        try reading { db in
            guard try StoreSchema.format(db) >= 2 else { return ChainReport(checked: 0, tip: "", problem: nil, chained: false) }
            var previous = ChainHash.genesis
            var lastSeq: Int64 = 0
            var versions: [String: Int64] = [:]
            var checked = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.chainColumns) FROM events ORDER BY seq")
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                if seq != lastSeq + 1 {
                    return ChainReport(checked: checked, tip: ChainHash.short(previous),
                                       problem: ChainProblem(seq: seq, kind: .missing(after: lastSeq)), chained: true)
                }
                if let problem = Self.check(row, previous: previous, versions: &versions) {
                    return ChainReport(checked: checked, tip: ChainHash.short(previous), problem: problem, chained: true)
                }
                previous = [UInt8](row[9] as Data)
                lastSeq = seq
                checked += 1
            }
            return ChainReport(checked: checked, tip: ChainHash.short(previous), problem: nil, chained: true)
        }
    }

    /// Checks the links of one deploy's events (each against the event before it in the log)
    /// and that its stream has no gap: what `show` runs before it prints a deploy.
    public func verifyStream(_ deploy: DeployID) throws(StoreError) -> ChainProblem? {
        try reading { db in
            guard try StoreSchema.format(db) >= 2 else { return nil }
            let sql = """
                SELECT \(Self.chainColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }
                    .joined(separator: ", ")), p.hash, p.seq FROM events e LEFT JOIN events p ON p.seq = e.seq - 1
                WHERE e.stream = ? ORDER BY e.stream_version
                """
            var versions: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [deploy.rawValue])
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                let previousSeq: Int64? = row[11]
                if seq > 1, previousSeq == nil {
                    let before = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events WHERE seq < ?", arguments: [seq]) ?? 0
                    return ChainProblem(seq: seq, kind: .missing(after: before))
                }
                let previous = seq == 1 ? ChainHash.genesis : [UInt8]((row[10] as Data?) ?? Data())
                if let problem = Self.check(row, previous: previous, versions: &versions) { return problem }
            }
            return nil
        }
    }

    /// One row against the link before it and its stream's previous version.
    private static func check(_ row: Row, previous: [UInt8], versions: inout [String: Int64]) -> ChainProblem? {
        let seq: Int64 = row[0]
        let stream: String = row[1]
        let version: Int64 = row[2]
        let expectedVersion = (versions[stream] ?? 0) + 1
        if version != expectedVersion {
            return ChainProblem(seq: seq, kind: .streamGap(stream: stream, expected: expectedVersion))
        }
        versions[stream] = version
        guard let kind = UInt16(exactly: row[3] as Int64), let schema = UInt16(exactly: row[4] as Int64) else {
            return ChainProblem(seq: seq, kind: .edited)
        }
        let time: Double = row[5]
        let actor: String = row[6]
        let payload: Data = row[7] ?? Data()
        let crc: Int64 = row[8]
        let stored = [UInt8]((row[9] as Data?) ?? Data())
        let (checksum, ownLink) = payload.withUnsafeBytes { bytes in
            (Int64(EventRows.checksum(seq: seq, streamVersion: version, kind: kind, schema: schema, time: time,
                                      stream: stream, actor: actor, payload: bytes)),
             ChainHash.link(previous: previous, seq: seq, streamVersion: version, kind: kind, schema: schema, time: time,
                            stream: stream, actor: actor, payload: bytes))
        }
        if checksum != crc { return ChainProblem(seq: seq, kind: .edited) }
        if ownLink != stored { return ChainProblem(seq: seq, kind: .broken) }
        return nil
    }
}
