import Foundation

/// A named checklist (e.g. `pre-deploy`) whose items are ticked by hand or verified by a command.
public struct ChecklistSpec: Sendable, Equatable {
    /// The checklist name (a DNS-1123 label), referenced by gates as `checklist:NAME`.
    public var name: String
    /// The items, in file order.
    public var items: [ChecklistItem]

    /// Creates a checklist.
    public init(name: String, items: [ChecklistItem]) {
        self.name = name
        self.items = items
    }

    /// The item with `id`, if any.
    public func item(_ id: String) -> ChecklistItem? { items.first { $0.id == id } }
}

/// One checklist item.
public struct ChecklistItem: Sendable, Equatable {
    /// The item id (a DNS-1123 label), unique within its checklist.
    public var id: String
    /// The text shown to the operator.
    public var text: Template
    /// The command that verifies the item (exit 0 = passed), run without a shell; nil for manual items.
    public var verify: [Template]?
    /// Whether ticking the item needs evidence (a note or attached output).
    public var evidence: EvidencePolicy

    /// Creates an item.
    public init(id: String, text: Template, verify: [Template]? = nil, evidence: EvidencePolicy = .optional) {
        self.id = id
        self.text = text
        self.verify = verify
        self.evidence = evidence
    }

    /// Whether a command verifies this item.
    public var isAutomatic: Bool { verify != nil }
}

/// Whether an item needs evidence when ticked.
public enum EvidencePolicy: String, Sendable, Equatable, CaseIterable {
    /// Evidence must be given.
    case required
    /// Evidence may be given.
    case optional
}
