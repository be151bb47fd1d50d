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
    private let queue: DatabaseQueue
    private let path: String
    private let walPath: String
    private var walSignature: [Int64] = []
    private var token: Int64 = 0
    private var pollsSinceQuery = 10

    init(path: String, pool: DatabasePool) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "GantryStore.subscriptions"
        queue = try DatabaseQueue(path: path, configuration: configuration)
        self.path = path
        walPath = path + "-wal"
    }

    func changeToken() throws -> Int64 {
        let signature = Self.signature(of: walPath)
        pollsSinceQuery += 1
        guard signature != walSignature || pollsSinceQuery >= 10 else { return token }
        walSignature = signature
        pollsSinceQuery = 0
        token = try queue.inDatabase { db in try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
        return token
    }

    /// The events after `after`; when a row is damaged, the good ones before it first,
    /// and the error on the next call, so a subscriber gets everything it can.
    func events(after: Int64, limit: Int) throws -> [Event] {
        var events: [Event] = []
        do {
            try queue.inDatabase { db in
                try EventRows.each(db.cachedStatement(sql: EventRows.afterSQL), arguments: [after, limit]) {
                    events.append($0)
                }
            }
        } catch {
            if events.isEmpty { throw StoreError.from(error, path: path, seq: after + 1) }
        }
        return events
    }

    /// Inode, size and modification time of a file; empty when it does not exist.
    private static func signature(of path: String) -> [Int64] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return [Int64(info.st_ino), Int64(info.st_size), Int64(modified.tv_sec), Int64(modified.tv_nsec)]
    }
}
