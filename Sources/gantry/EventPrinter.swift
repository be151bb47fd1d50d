import Foundation
import GantryCore
import GantryStore

/// Prints a deploy's events as they arrive: one plain line each, or JSON lines.
final class EventPrinter: @unchecked Sendable {
    let store: any EventStore
    let deploy: DeployID
    let json: Bool
    private let lock = NSLock()
    private var printed: Int64

    init(store: any EventStore, deploy: DeployID, json: Bool, after: Int64) {
        self.store = store
        self.deploy = deploy
        self.json = json
        printed = after
    }

    /// Follows the store until cancelled.
    func follow() -> Task<Void, Never> {
        Task {
            do {
                for try await event in store.subscribe(after: lock.withLock { printed }) { emit(event) }
            } catch {}
        }
    }

    /// Prints whatever was not printed yet.
    func drain() {
        let after = lock.withLock { printed }
        try? store.forEach(after: after) { emit($0) }
    }

    private func emit(_ event: Event) {
        lock.withLock {
            guard event.seq > printed else { return }
            printed = event.seq
            guard event.deploy == deploy else { return }
            let line = json ? EventJSON.line(event) : Self.plain(event)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    static func plain(_ event: Event) -> String {
        let time = EventJSON.timestamp(event.time)
        let clock = time.dropFirst(11).prefix(8)
        return "\(clock)  \(SafeText.sanitize(event.actor))  \(event.payload.summary)"
    }
}
