import Foundation
import GantryCore
import GantryStore

/// The per-environment deploy lease, kept in its own stream (`lease:ENV`) so that optimistic
/// concurrency makes taking it atomic across processes. The holder renews it with a heartbeat.
final class LeaseKeeper: @unchecked Sendable {
    let store: any EventStore
    let environment: String
    let holder: String
    let seconds: Double
    private var heartbeat: Task<Void, Never>?

    init(store: any EventStore, environment: String, holder: String, seconds: Double = 30) {
        self.store = store
        self.environment = environment
        self.holder = holder
        self.seconds = seconds
    }

    var stream: DeployID { DeployID("lease:\(environment)") }

    /// Takes the lease, or throws `.refused` naming the current holder.
    func acquire(now: Date = Date()) throws {
        for _ in 0..<5 {
            let events: [Event]
            events = try store.readStream(stream)  // a store that cannot be read stops the run (Executor.storeFailure)
            let state = Reducer.fold(events)
            if let lease = state.environments[environment]?.lease, lease.holder != holder, Self.isLive(lease, now: now) {
                throw ExecutorError.refused(
                    "environment \(environment) is being deployed by \(lease.holder) (lease renewed \(Self.ago(lease.acquiredAt, now)) ago, "
                    + "expires in \(Int(lease.expires.timeIntervalSince(now)))s); wait for it to finish or roll it back")
            }
            let expected: ExpectedVersion = events.last.map { .exact($0.streamVersion) } ?? .noStream
            do {
                _ = try store.append([PendingEvent(time: now, actor: holder, deploy: stream,
                                               payload: .leaseAcquired(environment: environment, holder: holder,
                                                                       expires: now.addingTimeInterval(seconds)))],
                                 expected: expected)
                startHeartbeat()
                return
            } catch {
                guard case .conflict = error else { throw error }
                continue
            }
        }
        throw ExecutorError.refused("environment \(environment): another executor is taking the lease right now")
    }

    /// Gives the lease up.
    func release() {
        heartbeat?.cancel()
        heartbeat = nil
        _ = try? store.append([PendingEvent(time: Date(), actor: holder, deploy: stream,
                                            payload: .leaseReleased(environment: environment, holder: holder))],
                              expected: .any)
    }

    private func startHeartbeat() {
        guard heartbeat == nil else { return }
        let interval = seconds / 3
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                guard let self, !Task.isCancelled else { return }
                let now = Date()
                _ = try? self.store.append([PendingEvent(time: now, actor: self.holder, deploy: self.stream,
                                                         payload: .leaseAcquired(environment: self.environment, holder: self.holder,
                                                                                 expires: now.addingTimeInterval(self.seconds)))],
                                           expected: .any)
            }
        }
    }

    /// Whether a lease still binds: not expired, and its holder is not a process of this host known to be dead.
    static func isLive(_ lease: Lease, now: Date) -> Bool {
        guard lease.expires > now else { return false }
        // Holders are `executor@HOST:PID`; a holder on this host whose process is gone crashed.
        guard let at = lease.holder.lastIndex(of: "@"), let colon = lease.holder.lastIndex(of: ":"), at < colon,
              let pid = Int32(lease.holder[lease.holder.index(after: colon)...]) else { return true }
        let host = lease.holder[lease.holder.index(after: at)..<colon]
        guard host == ProcessInfo.processInfo.hostName else { return true }
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        // A killed process whose parent has not reaped it yet is a zombie: dead all the same.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
            if state == "Z" || state == "X" { return false }
        }
        return true
    }

    private static func ago(_ date: Date, _ now: Date) -> String { "\(max(0, Int(now.timeIntervalSince(date))))s" }
}
