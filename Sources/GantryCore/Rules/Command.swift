import Foundation

/// What a person (or an executor) asks Gantry to do. Every door — a console key, a CLI command,
/// the executor — builds one and asks `Rulebook.decide`; none checks a rule of its own.
public enum Command: Sendable, Equatable {
    /// Deploy `version` to `environment` under `policy` (the pipeline's rules, resolved and frozen
    /// now). `requires`: environments where this version must have succeeded, verified, first.
    case deploy(environment: String, version: String, policy: DeployPolicy, requires: [String])
    /// Approve the deploy that needs `environment`'s approvals.
    case approve(environment: String, comment: String)
    /// Tick a manual checklist item of `environment`'s deploy; `checklist` nil finds the item by id.
    case tick(environment: String, checklist: String?, item: String, note: String)
    case untick(environment: String, checklist: String?, item: String, note: String)
    /// Roll `environment` back from its newest deploy.
    case rollback(environment: String, reason: String)
    /// Force a gate of `environment`'s deploy open without its conditions; `gate` nil means the
    /// one gate that is closed. Needs a reason; marked in the audit trail.
    case override(environment: String, gate: String?, reason: String)
    /// Stop `environment`'s deploy where it is (not a rollback).
    case cancel(environment: String, reason: String)

    /// The environment the command is about.
    public var environment: String {
        switch self {
        case .deploy(let environment, _, _, _), .approve(let environment, _), .tick(let environment, _, _, _),
             .untick(let environment, _, _, _), .rollback(let environment, _), .override(let environment, _, _),
             .cancel(let environment, _):
            environment
        }
    }
}

/// What `Rulebook.decide` returns for an accepted command: the events to append, and the stream
/// versions the decision relied on (appended with them, so a decision made on a state that moved
/// meanwhile is never recorded: the door folds again and decides again).
public struct Decision: Sendable, Equatable {
    public var events: [PendingEvent]
    public var expectations: [DeployID: ExpectedVersion]
    /// The deploy the decision is about.
    public var deploy: DeployID
    /// What was decided, for a person: `approved production-2.1.0-1 (production) as bob`.
    public var summary: String

    public init(events: [PendingEvent], expectations: [DeployID: ExpectedVersion], deploy: DeployID, summary: String) {
        self.events = events
        self.expectations = expectations
        self.deploy = deploy
        self.summary = summary
    }
}

/// A command the rules refuse, with a sentence a person can act on.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Who decides and when, and the one fact about the outside world a decision needs: whether a
/// lease's holder is still alive (its process may be gone before the lease expires).
public struct DecisionContext: Sendable {
    public var actor: String
    public var now: Date
    public var leaseIsLive: @Sendable (Lease, Date) -> Bool

    public init(actor: String, now: Date, leaseIsLive: @escaping @Sendable (Lease, Date) -> Bool = { $0.expires > $1 }) {
        self.actor = actor
        self.now = now
        self.leaseIsLive = leaseIsLive
    }
}
