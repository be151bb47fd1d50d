import Foundation

/// The state of one checklist item in one deploy.
public struct ChecklistItemState: Sendable, Equatable {
    public let spec: ChecklistItemPlan
    /// Ticked by a person, or verified (passed) by its command.
    public var done = false
    /// Who ticked or verified it last (the actor of the event).
    public var by: String = ""
    public var at: Date?
    /// The note given with a tick, or the verify command's output.
    public var evidence: String = ""
    /// For automatic items: whether the last verification failed.
    public var verificationFailed = false

    public init(spec: ChecklistItemPlan) { self.spec = spec }

    /// Whether the item counts towards an open gate.
    public var isSatisfied: Bool {
        done && (!spec.evidenceRequired || !evidence.isEmpty)
    }
}

/// One checklist in one deploy.
public struct ChecklistState: Sendable, Equatable {
    public let id: String
    public var items: [ChecklistItemState]

    /// A checklist with these items as they stand: what `StateCodec` wrote.
    init(id: String, items: [ChecklistItemState]) {
        self.id = id
        self.items = items
    }

    public init(spec: ChecklistPlan) {
        id = spec.id
        items = spec.items.map(ChecklistItemState.init(spec:))
    }

    /// Items that do not yet count towards the gate.
    public var missing: [ChecklistItemState] { items.filter { !$0.isSatisfied } }

    /// Whether every item counts.
    public var isComplete: Bool { items.allSatisfy(\.isSatisfied) }
}
