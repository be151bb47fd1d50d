import Foundation
import GantryCore

/// A command that could not be recorded: refused by the rules, or the store failed.
public enum CommandError: Error, Equatable, CustomStringConvertible {
    case refused(Refusal)
    case store(StoreError)

    public var description: String {
        switch self {
        case .refused(let refusal): refusal.reason
        case .store(let error): error.description
        }
    }
}

/// The one way a door turns a command into recorded events: fold the store, ask the
/// `Rulebook`, append the decision expecting every stream it relied on. When another writer
/// moved one of them meanwhile, fold again and decide again: a racing request then gets the
/// refusal it deserves ("staging already has a deploy in progress …"), never a double acceptance.
public enum CommandRunner {
    /// Decides and records `command`; returns the decision as recorded.
    @discardableResult
    public static func run(_ command: Command, on store: any EventStore, context: DecisionContext,
                           attempts: Int = 8) throws(CommandError) -> Decision {
        var last: StoreError?
        for _ in 0..<max(1, attempts) {
            let state: GantryState
            do { state = try StateSnapshot.state(of: store) } catch { throw .store(error) }
            let decision: Decision
            switch Rulebook.decide(command, state: state, context: context) {
            case .success(let decided): decision = decided
            case .failure(let refusal): throw .refused(refusal)
            }
            do {
                _ = try store.append(decision.events, expectations: decision.expectations)
                return decision
            } catch .conflict {
                last = .conflict(deploy: decision.deploy, expected: .any, actual: 0)
                continue
            } catch {
                throw .store(error)
            }
        }
        throw .store(last ?? .io("the store kept changing; try again"))
    }
}
