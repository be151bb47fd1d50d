import Foundation
import GantryCore
import GantryExecutor
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

    /// Records `command` through the rulebook after every earlier one: decided again on the
    /// store's newest state (another console or the executor may have moved it), so a refusal
    /// that the console's own state could not see yet comes back as a message.
    func record(_ command: Command, as actor: String) {
        queue.async { [store, failed] in
            do {
                try CommandRunner.run(command, on: store, context: .live(actor: actor))
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
