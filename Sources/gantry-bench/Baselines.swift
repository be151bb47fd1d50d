import Foundation
import GantryConsole
import GantryCore
import GRDB

/// What each figure is compared with, measured in the same run on the same machine: the
/// physical floor of the work, with no Gantry code on the path. A ratio to its baseline holds
/// across machines and loads where an absolute time moves 40%.
enum Baselines {
    // MARK: - Fold

    /// The same events folded by plain Swift into a plain struct: a dictionary of deploys, a
    /// bounded ring of log lines per deploy, the last progress, a bounded ring of samples per
    /// metric, a count. No event sourcing, no audit, no state machine.
    struct PlainDeploy {
        var lines: [String] = []
        var lineHead = 0
        var progress = (done: 0, total: 0)
        var samples: [String: [Double]] = [:]
        var count = 0
    }

    static func plainFold(_ events: [Event]) -> Int {
        var deploys: [DeployID: PlainDeploy] = [:]
        for event in events {
            deploys[event.deploy, default: PlainDeploy()].count += 1
            switch event.payload {
            case .stageLogged(_, _, let line):
                deploys[event.deploy, default: PlainDeploy()].appendLine(line)
            case .stageProgressed(_, let done, let total, _):
                deploys[event.deploy, default: PlainDeploy()].progress = (done, total)
            case .metricSampled(let metric, let value):
                deploys[event.deploy, default: PlainDeploy()].appendSample(metric, value)
            default:
                break
            }
        }
        return deploys.values.reduce(0) { $0 + $1.count }
    }

    // MARK: - Compose

    /// A plain fill of the same 200x60 cell buffer (blanked, then every row written with one
    /// string), then the same diff against the previous frame: the floor of drawing a frame.
    static func plainFill(rows: [String], into buffer: inout CellBuffer, previous: CellBuffer) {
        buffer.fill(buffer.area, with: .blank)
        for (y, row) in rows.enumerated() { buffer.put(row, x: 0, y: y) }
        _ = buffer.diff(from: previous)
    }

    // MARK: - Store

    /// Every row of the store's `events` table stepped through with SQLite (GRDB's cursor),
    /// reading each column's bytes and decoding nothing. Returns the rows seen.
    static func rawScan(_ path: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var count = 0
            var bytes = 0
            let statement = try db.makeStatement(sql: "SELECT seq, stream, stream_version, kind, schema, time, actor, payload, crc FROM events")
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() {
                bytes += try row.withUnsafeData(atIndex: 7) { $0?.count ?? 0 }
                count += 1
            }
            precondition(bytes > 0)
            return count
        }
    }

    /// The same rows (columns as the store writes them, payloads already encoded) inserted by
    /// SQLite alone into a table of the same shape, `batch` rows per transaction, WAL with
    /// `synchronous=NORMAL` as the store's batched appends.
    static func rawInsert(_ path: String, rows: [[DatabaseValue]], batch: Int) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode=WAL")
            try db.execute(sql: "PRAGMA synchronous=NORMAL")
            try db.execute(sql: """
                CREATE TABLE events (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, stream_version INTEGER NOT NULL,
                    kind INTEGER NOT NULL, schema INTEGER NOT NULL, time REAL NOT NULL, actor TEXT NOT NULL,
                    payload BLOB NOT NULL, crc INTEGER NOT NULL, hash BLOB NOT NULL, UNIQUE (stream, stream_version))
                """)
        }
        for start in stride(from: 0, to: rows.count, by: batch) {
            try queue.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO events (seq, stream, stream_version, kind, schema, time, actor, payload, crc, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows[start..<min(start + batch, rows.count)] {
                    try insert.execute(arguments: StatementArguments(row))
                }
            }
        }
    }

    /// The store's columns for `events` (payloads encoded with Gantry's codec beforehand, a
    /// 32-byte hash like the chain's), so the raw insert writes the same bytes.
    static func rows(_ events: [Event]) -> [[DatabaseValue]] {
        let hash = Data(repeating: 7, count: 32)
        return events.map { event in
            let encoded = EventCodec.encode(event.payload)
            return [event.seq.databaseValue, event.deploy.rawValue.databaseValue, event.streamVersion.databaseValue,
                    Int(event.payload.kindCode).databaseValue, Int(event.schemaVersion).databaseValue,
                    event.time.timeIntervalSince1970.databaseValue, event.actor.databaseValue, Data(encoded).databaseValue,
                    Int(CRC32.checksum(encoded)).databaseValue, hash.databaseValue]
        }
    }
}

extension Baselines.PlainDeploy {
    mutating func appendLine(_ line: String) {
        if lines.count < 1000 {
            lines.append(line)
        } else {
            lines[lineHead] = line
            lineHead = (lineHead + 1) % 1000
        }
    }

    mutating func appendSample(_ metric: String, _ value: Double) {
        samples[metric, default: []].append(value)
        if samples[metric]!.count > 240 { samples[metric]!.removeFirst(samples[metric]!.count - 240) }
    }
}
