import Foundation
import GantryCore
import GantryStore

/// Appends the console's intents off the input loop, in order, so a key is drawn before the
/// (fsynced) append and never waits behind another writer's transaction. A failure comes back
/// to the loop as a message.
final class IntentWriter: @unchecked Sendable {
    private let store: SQLiteEventStore
    private let queue = DispatchQueue(label: "gantry.console.intents")
    private let failed: @Sendable (String) -> Void

    init(store: SQLiteEventStore, failed: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.failed = failed
    }

    /// Appends `event` after every earlier one.
    func append(_ event: PendingEvent, expected: ExpectedVersion) {
        queue.async { [store, failed] in
            do {
                _ = try store.append([event], expected: expected)
            } catch {
                failed("not recorded: \(error)")
            }
        }
    }

    /// Waits until every intent asked for so far is appended (before the console exits).
    func drain() {
        queue.sync {}
    }
}
