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
            do { events = try store.readStream(stream) } catch { throw ExecutorError.store(error.description) }
            let state = Reducer.fold(events)
            if let lease = state.environments[environment]?.lease, lease.holder != holder, lease.expires > now {
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
            } catch .conflict {
                continue
            } catch {
                throw ExecutorError.store(error.description)
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

    private static func ago(_ date: Date, _ now: Date) -> String { "\(max(0, Int(now.timeIntervalSince(date))))s" }
}
