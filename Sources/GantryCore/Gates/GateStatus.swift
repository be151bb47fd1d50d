/// Whether a gate is open, and if not, what it waits for.
public struct GateStatus: Sendable, Equatable {
    /// Whether every requirement holds (or the gate was overridden).
    public var isOpen: Bool
    /// One human sentence per unmet requirement, e.g. `waiting for 1 more approval (alice ✓)`.
    public var blockers: [String]
    /// Set when the gate was forced open by an emergency override.
    public var override: GateOverride?

    public init(isOpen: Bool, blockers: [String], override: GateOverride? = nil) {
        self.isOpen = isOpen
        self.blockers = blockers
        self.override = override
    }

    /// The blockers in one line, or `open`.
    public var summary: String {
        if let override { return "open by override (\(override.by): \(override.reason))" }
        return isOpen ? "open" : blockers.joined(separator: "; ")
    }
}
