import Foundation

/// What the builder saw that refers to other parts of the file, for `PipelineValidator`.
struct References {
    /// One stage as far as it could be read.
    struct Stage {
        let id: Reference
        var needs: [Reference] = []
        var deploys: Reference?
        var monitors: Reference?
        var gateChecklists: [Reference] = []
        var gateApprovals: [Reference] = []
    }

    /// Environment names as defined (the key's position).
    var environments: [Reference] = []
    /// Checklist names as defined.
    var checklists: [Reference] = []
    /// Stages with a readable id, in file order.
    var stages: [Stage] = []
    /// `requires:` entries: the requiring environment and the reference.
    var requires: [(environment: String, reference: Reference)] = []
    /// Environments that need approvals: name, count, and where the policy is written.
    var approvals: [(environment: String, required: Int, position: Position)] = []
}
