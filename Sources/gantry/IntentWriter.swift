import Foundation
import GantryCore
import GantryExecutor
import GantryStore

/// Appends the console's intents off the input loop, in order, so a key is drawn before the
/// (fsynced) append and never waits behind another writer's transaction. What was recorded (the
/// decision's summary), or why not, comes back to the loop as a message.
final class IntentWriter: @unchecked Sendable {
    private let store: SQLiteEventStore
    private let queue = DispatchQueue(label: "gantry.console.intents")
    private let report: @Sendable (_ message: String, _ isError: Bool) -> Void

    init(store: SQLiteEventStore, report: @escaping @Sendable (_ message: String, _ isError: Bool) -> Void) {
        self.store = store
        self.report = report
    }

    /// Records `command` through the rulebook after every earlier one: decided again on the
    /// store's newest state (another console or the executor may have moved it), so a refusal
    /// that the console's own state could not see yet comes back as a message.
    func record(_ command: Command, as actor: String) {
        queue.async { [store, report] in
            do {
                let decision = try CommandRunner.run(command, on: store, context: .live(actor: actor))
                report(decision.summary, false)
            } catch {
                report("not recorded: \(error)", true)
            }
        }
    }

    /// Waits until every intent asked for so far is appended (before the console exits).
    func drain() {
        queue.sync {}
    }
}
