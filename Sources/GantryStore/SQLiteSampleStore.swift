import Foundation
import GantryCore
import GRDB

/// Live samples in their own SQLite file beside the event log (`events.samples.sqlite` for
/// `events.sqlite`): never in the log, never fsynced per sample, at most `keep` rows per
/// environment and metric.
public final class SQLiteSampleStore: SampleStore {
    public let path: String
    /// Samples kept per environment and metric.
    public let keep: Int
    private let queue: DatabaseQueue

    /// The sample file of the event log at `eventsPath`.
    public static func path(forEvents eventsPath: String) -> String {
        let url = URL(fileURLWithPath: eventsPath)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + ".samples.sqlite").path
    }

    /// Opens (creating when missing and `readOnly` is false) the sample file at `path`.
    public init(path: String, keep: Int = 720, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        self.keep = max(1, keep)
        var configuration = Configuration()
        configuration.label = "GantrySamples"
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(5)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if !readOnly {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode=WAL")
                    try db.execute(sql: "PRAGMA synchronous=NORMAL")
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS samples (
                            environment TEXT NOT NULL, metric TEXT NOT NULL, time REAL NOT NULL, value REAL NOT NULL);
                        CREATE INDEX IF NOT EXISTS samples_by_series ON samples(environment, metric, time);
                        """)
                }
            }
        } catch {
            throw StoreError.io("live samples at \(path): \(error)")
        }
    }

    public func record(_ samples: [LiveSample]) throws(StoreError) {
        guard !samples.isEmpty else { return }
        let keep = keep
        do {
            try queue.write { db in
                for sample in samples {
                    try db.execute(sql: "INSERT INTO samples(environment, metric, time, value) VALUES (?, ?, ?, ?)",
                                   arguments: [sample.environment, sample.metric, sample.time.timeIntervalSince1970, sample.value])
                }
                let series = Set(samples.map { [$0.environment, $0.metric] })
                for pair in series {
                    try db.execute(sql: """
                        DELETE FROM samples WHERE environment = ? AND metric = ? AND time < (
                            SELECT time FROM samples WHERE environment = ? AND metric = ?
                            ORDER BY time DESC LIMIT 1 OFFSET ?)
                        """, arguments: [pair[0], pair[1], pair[0], pair[1], keep - 1])
                }
            }
        } catch {
            throw StoreError.io("recording live samples at \(path): \(error)")
        }
    }

    public func recent(limit: Int) throws(StoreError) -> LiveSamples {
        do {
            return try queue.read { db in
                var values: [String: [String: [MetricSeries.Sample]]] = [:]
                let series = try Row.fetchAll(db, sql: "SELECT DISTINCT environment, metric FROM samples")
                for row in series {
                    let environment: String = row[0], metric: String = row[1]
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT time, value FROM samples WHERE environment = ? AND metric = ? ORDER BY time DESC LIMIT ?
                        """, arguments: [environment, metric, max(1, limit)])
                    values[environment, default: [:]][metric] = rows.reversed().map {
                        MetricSeries.Sample(time: Date(timeIntervalSince1970: $0[0]), value: $0[1])
                    }
                }
                return LiveSamples(values)
            }
        } catch {
            throw StoreError.io("reading live samples at \(path): \(error)")
        }
    }
}
