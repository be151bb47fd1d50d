/// The rules a deploy runs under, frozen from the pipeline file when it was requested,
/// so that replaying the log never depends on today's `gantry.yaml`.
public struct DeployPolicy: Sendable, Equatable {
    /// The deploy strategy of the target environment (`rolling`, `blue-green`, `canary`).
    public var strategy: String
    /// The stages this deploy runs, in order.
    public var stages: [StagePlan]
    /// The checklists its gates refer to.
    public var checklists: [ChecklistPlan]
    /// Approval rules per scope (an environment name).
    public var approvals: [ApprovalRule]
    /// The pipeline's metrics and their thresholds, in file order (empty in logs written
    /// before thresholds were frozen).
    public var metrics: [MetricPlan]
    /// The pipeline file the deploy was requested under, whole: its name and its text ("" in
    /// logs written before plans were frozen). The executor runs a deploy — and resumes it, and
    /// rolls it back — from this text, never from today's file.
    public var pipelineFile: String
    public var pipelineSource: String

    public init(strategy: String, stages: [StagePlan], checklists: [ChecklistPlan], approvals: [ApprovalRule],
                metrics: [MetricPlan] = [], pipelineFile: String = "", pipelineSource: String = "") {
        self.strategy = strategy
        self.stages = stages
        self.checklists = checklists
        self.approvals = approvals
        self.metrics = metrics
        self.pipelineFile = pipelineFile
        self.pipelineSource = pipelineSource
    }

    /// A policy with no stages, checklists or approvals.
    public static let empty = DeployPolicy(strategy: "rolling", stages: [], checklists: [], approvals: [])
}

/// One stage of a deploy as the policy knows it.
public struct StagePlan: Sendable, Equatable {
    public var id: String
    /// A short description of what the stage does, e.g. `docker build`, `deploy production (canary)`.
    public var summary: String
    public var needs: [String]
    /// For gate stages: what must hold before the gate opens.
    public var gate: [GateRequirement]
    /// For deploy stages: the environment it deploys to (which may be another than the deploy's
    /// target, e.g. staging on the way to production).
    public var environment: String?

    public init(id: String, summary: String, needs: [String] = [], gate: [GateRequirement] = [], environment: String? = nil) {
        self.id = id
        self.summary = summary
        self.needs = needs
        self.gate = gate
        self.environment = environment
    }
}

/// One condition of a gate.
public enum GateRequirement: Sendable, Equatable, CustomStringConvertible {
    /// Every item of the checklist is done.
    case checklist(String)
    /// The scope's approval policy is met.
    case approvals(String)

    public var description: String {
        switch self {
        case .checklist(let id): "checklist:\(id)"
        case .approvals(let scope): "approvals:\(scope)"
        }
    }
}

/// A checklist and its items.
public struct ChecklistPlan: Sendable, Equatable {
    public var id: String
    public var items: [ChecklistItemPlan]
    public init(id: String, items: [ChecklistItemPlan]) {
        self.id = id
        self.items = items
    }
}

/// One checklist item: manual (ticked by a person) or automatic (verified by a command).
public struct ChecklistItemPlan: Sendable, Equatable {
    public var id: String
    public var text: String
    /// The verify command's argv; empty for a manual item.
    public var verify: [String]
    /// Whether a tick needs a note as evidence.
    public var evidenceRequired: Bool

    public init(id: String, text: String, verify: [String] = [], evidenceRequired: Bool = false) {
        self.id = id
        self.text = text
        self.verify = verify
        self.evidenceRequired = evidenceRequired
    }

    /// Whether the item is checked by a command rather than by a person.
    public var isAutomatic: Bool { !verify.isEmpty }
}

/// How many approvals a scope needs, and from whom.
public struct ApprovalRule: Sendable, Equatable {
    /// The scope, normally an environment name.
    public var scope: String
    public var required: Int
    /// Who may approve; empty means anyone.
    public var allowed: [String]
    /// Whether the person who requested the deploy may approve it.
    public var allowSelf: Bool

    public init(scope: String, required: Int, allowed: [String] = [], allowSelf: Bool = false) {
        self.scope = scope
        self.required = required
        self.allowed = allowed
        self.allowSelf = allowSelf
    }
}

/// A metric and its thresholds, as the pipeline file set them when the deploy was requested.
public struct MetricPlan: Sendable, Equatable {
    public var name: String
    /// The warning threshold, if any.
    public var warn: Double?
    /// The critical threshold, if any.
    public var critical: Double?
    /// Whether values at or below a threshold breach it (ready replicas); otherwise values at
    /// or above do.
    public var lowerIsWorse: Bool
    /// What the numbers mean (`ratio` shows as %, `seconds` as ms/s).
    public var unit: MetricUnit = .none

    public init(name: String, warn: Double? = nil, critical: Double? = nil, lowerIsWorse: Bool = false, unit: MetricUnit = .none) {
        self.name = name
        self.warn = warn
        self.critical = critical
        self.lowerIsWorse = lowerIsWorse
        self.unit = unit
    }
}
