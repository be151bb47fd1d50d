import Foundation
import GantryCore

/// The console's panels, in tab order.
public enum Panel: Int, CaseIterable, Sendable {
    case environments, pipeline, checklist, metrics, log

    public var title: String {
        switch self {
        case .environments: "Environments"
        case .pipeline: "Pipeline"
        case .checklist: "Checklist"
        case .metrics: "Metrics"
        case .log: "Log"
        }
    }
}

/// A one-line text prompt (a tick's note, a deploy's version, a confirmation, a search).
public struct Prompt: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case tickNote(deploy: DeployID, checklist: String, item: String, evidenceRequired: Bool)
        case deployVersion(environment: String)
        case deployConfirm(environment: String, version: String)
        case overrideReason(environment: String, gate: String)
        case search
        /// The `:` command palette.
        case palette
    }
    public var purpose: Purpose
    public var title: String
    public var label: String
    public var text: String = ""
    public var error: String?
    /// What tab completes to, shown under the field (versions, commands, names).
    public var suggestions: [String] = []
    /// A line under the field saying what the suggestions are.
    public var hint: String = ""

    public init(purpose: Purpose, title: String, label: String, text: String = "") {
        self.purpose = purpose
        self.title = title
        self.label = label
        self.text = text
    }
}

/// A yes/no dialog for a dangerous action; Cancel is focused by default.
public struct Confirmation: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case rollback(deploy: DeployID, environment: String, target: String?)
        case cancel(deploy: DeployID, environment: String)
        case override(deploy: DeployID, environment: String, gate: String, reason: String)
        case approve(deploy: DeployID, environment: String)
    }
    public var action: Action
    public var title: String
    public var lines: [String]
    public var confirmLabel: String
    /// Whether the confirm button (not Cancel) has the focus.
    public var confirmFocused = false

    public init(action: Action, title: String, lines: [String], confirmLabel: String) {
        self.action = action
        self.title = title
        self.lines = lines
        self.confirmLabel = confirmLabel
    }
}

/// What the console shows on top of the panels.
public enum Overlay: Equatable, Sendable {
    case none, help, prompt(Prompt), confirm(Confirmation)
}

/// UI state: selections, scroll, search, overlay. Everything else comes from the event log.
public struct UIState: Equatable, Sendable {
    public var focus: Panel = .environments
    public var environment = 0
    /// The selected stage; nil follows the running (or last started) stage.
    public var stage: Int?
    public var item = 0
    /// Lines scrolled up from the end of the log; 0 follows new lines.
    public var logScroll = 0
    public var search = ""
    public var overlay: Overlay = .none
    /// A one-line message for the user (the result of the last key), cleared by the next key;
    /// it also goes to the notifications, where it fades.
    public var message: String?
    public var messageIsError = false
    /// Recent messages, newest first (at most `Notice.kept`), drawn apart from the header and
    /// faded by age.
    public var notices: [Notice] = []
    /// The main view, or an environment's history.
    public var view: ConsoleView = .main
    /// The selected row of the history view.
    public var historyRow = 0
    /// A past deploy opened read-only, at one of its events.
    public var travel: TimeTravel?

    public init() {}
}

/// What fills the body of the console.
public enum ConsoleView: Equatable, Sendable {
    case main
    /// The past deploys of one environment.
    case history(environment: String)
}

/// Everything a screen is drawn from: folded state, what the pipeline file says, and UI state.
public struct ConsoleModel: Equatable, Sendable {
    public var state: GantryState
    /// Environment names from the pipeline file, in file order (deployed-to ones are added).
    public var pipelineEnvironments: [String]
    /// The policy a new deploy to each environment would run under (from the pipeline file).
    public var policies: [String: DeployPolicy]
    /// The environments where a version must have succeeded before it may go to each one.
    public var requires: [String: [String]] = [:]
    public var app: String
    public var actor: String
    public var readOnly: Bool
    public var glyphs: Glyphs
    /// The clock used for durations (injected: rendering stays pure).
    public var now: Date
    /// Damage found in the event log when it was opened (events missing): shown in red on the
    /// status line, before anything else, for as long as the console runs.
    public var logDamage: String?
    /// Every environment's metrics read between deploys (the agent's live samples; not events).
    public var live = LiveSamples()
    /// What the log panel says before any deploy is selected (the demo explains itself).
    public var welcome: [String] = []
    /// Theme names the palette's `theme` offers.
    public var themeNames: [String] = []
    public var ui = UIState()

    public init(state: GantryState, pipelineEnvironments: [String] = [], policies: [String: DeployPolicy] = [:],
                app: String = "", actor: String, readOnly: Bool = false, glyphs: Glyphs = .unicode,
                now: Date = Date(timeIntervalSince1970: 0)) {
        self.state = state
        self.pipelineEnvironments = pipelineEnvironments
        self.policies = policies
        self.app = app
        self.actor = actor
        self.readOnly = readOnly
        self.glyphs = glyphs
        self.now = now
    }

    // MARK: - Derived

    /// Environments shown: the pipeline's, then any others the log knows, in order.
    public var environments: [String] {
        var names = pipelineEnvironments
        for name in state.environmentNames where !names.contains(name) { names.append(name) }
        return names
    }

    public var selectedEnvironment: String? {
        if let travel = ui.travel { return travel.environment }
        let names = environments
        guard !names.isEmpty else { return nil }
        return names[min(max(0, ui.environment), names.count - 1)]
    }

    /// The newest deploy to the selected environment.
    public var selectedDeploy: DeployState? {
        if let travel = ui.travel { return state.deploys[travel.deploy] }
        return selectedEnvironment.flatMap { state.latestDeploy(in: $0) }
    }

    /// The model as drawn: in time travel, the state as of the chosen event (read-only).
    public var shown: ConsoleModel {
        guard let travel = ui.travel else { return self }
        var model = self
        model.state = travel.state
        // Durations as they were at that event; live samples are of today, not of then.
        model.now = travel.event.time
        model.live = LiveSamples()
        return model
    }

    /// The index of the stage whose log is shown.
    public var selectedStageIndex: Int? {
        guard let deploy = selectedDeploy, !deploy.stages.isEmpty else { return nil }
        if let stage = ui.stage { return min(max(0, stage), deploy.stages.count - 1) }
        if let running = deploy.stages.lastIndex(where: { $0.status == .running }) { return running }
        if let failed = deploy.stages.lastIndex(where: { $0.status == .failed }) { return failed }
        if let started = deploy.stages.lastIndex(where: { $0.startedAt != nil }) { return started }
        return 0
    }

    /// Every checklist item of the selected deploy, flattened.
    public var checklistRows: [(checklist: String, item: ChecklistItemState)] {
        guard let deploy = selectedDeploy else { return [] }
        return deploy.checklists.flatMap { list in list.items.map { (list.id, $0) } }
    }

    /// What a rollback of the selected environment would do now, as the rulebook plans it (the
    /// deploy that put the live version there may be another environment's).
    public var rollbackStep: RollbackStep? {
        guard let environment = selectedEnvironment, let deploy = Rulebook.deployToRollBack(environment, state) else { return nil }
        return RollbackPlan.steps(of: deploy, in: state).first { $0.environment == environment }
    }

    /// The rollback target of the selected environment: the plan's, else the deploy's (before it
    /// changed anything), else the environment's.
    public var rollbackTarget: String? {
        if let step = rollbackStep { return step.to }
        if let target = selectedDeploy?.rollbackTarget, !target.isEmpty { return target }
        return selectedEnvironment.flatMap { state.environments[$0]?.rollbackTarget }
    }
}
