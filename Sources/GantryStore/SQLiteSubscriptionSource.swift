import Foundation
import GantryCore
import GRDB

/// The subscription thread's own read-only connection, and the cheap test it polls.
///
/// Every commit, by any process, writes frames to the `-wal` file, so its size, time or inode
/// changes. Polling `stat` on it costs about a microsecond; only when it changed (and, as a
/// safety net for the rare commit that rewrites a restarted WAL within one clock tick, every
/// tenth poll) does the source ask SQLite for `PRAGMA data_version`, which changes whenever
/// another connection committed.
final class SQLiteSubscriptionSource: SubscriptionSource {
    private let pool: DatabasePool
    private let path: String

    init(path: String, pool: DatabasePool) throws {
        self.pool = pool
        self.path = path
    }

    /// The last event's sequence number, read through the pool (a fresh snapshot each time, a few
    /// microseconds). A cheaper file check (the -wal file's size and time) proved unreliable: a
    /// writer process that closes may delete and recreate the -wal file, and a read-only
    /// connection then stops seeing commits.
    func changeToken() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) FROM events")) ?? 0 }
    }

    /// The events after `after`; when a row is damaged, the good ones before it first,
    /// and the error on the next call, so a subscriber gets everything it can.
    func events(after: Int64, limit: Int) throws -> [Event] {
        var events: [Event] = []
        do {
            try pool.read { db in
                try EventRows.each(db.cachedStatement(sql: EventRows.afterSQL), arguments: [after, limit]) {
                    events.append($0)
                }
            }
        } catch {
            if events.isEmpty { throw StoreError.from(error, path: path, seq: after + 1) }
        }
        return events
    }

}
