import Foundation
import GantryCore

/// A side effect the console asks for, as data: the live loop performs it.
public enum ConsoleEffect: Equatable, Sendable {
    /// Append an intent event as the console's actor. `newStream` asks that the deploy stream not exist yet.
    case append(deploy: DeployID, payload: EventPayload, newStream: Bool)
    case quit
}

/// The console's update function: `(model, intent) -> model', effects`. Pure; the rules are checked
/// here before any intent is appended, and every refusal is a message on screen.
public enum ConsoleUpdate {
    /// Applies a key (through the key map) at terminal `size`.
    public static func handle(_ key: Key, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        guard let intent = KeyMap.intent(for: key, overlay: model.ui.overlay, readOnly: model.readOnly) else {
            if model.readOnly, case .none = model.ui.overlay, case .character(let c) = key, " aRd".contains(c) {
                model.ui.message = "read-only console: '\(c == " " ? "space" : String(c))' is off"
                model.ui.messageIsError = true
            }
            return []
        }
        return apply(intent, model: &model, size: size)
    }

    public static func apply(_ intent: Intent, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        switch model.ui.overlay {
        case .help:
            model.ui.overlay = .none
            return []
        case .prompt(let prompt):
            return applyPrompt(intent, prompt: prompt, model: &model)
        case .confirm(let confirmation):
            return applyConfirm(intent, confirmation: confirmation, model: &model)
        case .none:
            model.ui.message = nil
            model.ui.messageIsError = false
            return applyMain(intent, model: &model, size: size)
        }
    }

    // MARK: - Main view

    static func applyMain(_ intent: Intent, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        let page = max(1, model.layout(size).inner(.log).height - 1)
        switch intent {
        case .moveUp: move(-1, model: &model)
        case .moveDown: move(1, model: &model)
        case .pageUp: move(-page, model: &model)
        case .pageDown: move(page, model: &model)
        case .top: move(-1_000_000, model: &model)
        case .bottom:
            if model.ui.focus == .log { model.ui.logScroll = 0 } else { move(1_000_000, model: &model) }
        case .nextPanel: model.ui.focus = Panel(rawValue: (model.ui.focus.rawValue + 1) % Panel.allCases.count) ?? .environments
        case .previousPanel:
            model.ui.focus = Panel(rawValue: (model.ui.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count) ?? .log
        case .open:
            switch model.ui.focus {
            case .environments: model.ui.focus = .pipeline
            case .pipeline:
                model.ui.focus = .log
                model.ui.logScroll = 0
            case .checklist:
                if let row = selectedRow(model) {
                    let evidence = row.item.evidence.isEmpty ? "no note" : row.item.evidence
                    model.ui.message = "\(row.item.spec.id): \(row.item.spec.text) — \(evidence)"
                }
            case .metrics, .log: break
            }
        case .toggleTick: return toggleTick(&model)
        case .approve: return approve(&model)
        case .rollback: rollback(&model)
        case .deploy: startDeploy(&model)
        case .startSearch:
            model.ui.overlay = .prompt(Prompt(purpose: .search, title: "Search the log", label: "Find (case-insensitive):",
                                              text: model.ui.search))
        case .nextMatch: jumpToMatch(older: true, model: &model, size: size)
        case .previousMatch: jumpToMatch(older: false, model: &model, size: size)
        case .clearSearch: model.ui.search = ""
        case .help: model.ui.overlay = .help
        case .quit: return [.quit]
        case .click(let column, let row): click(column: column, row: row, model: &model, size: size)
        case .type, .erase, .submit, .cancel, .switchButton: break
        }
        return []
    }

    static func move(_ delta: Int, model: inout ConsoleModel) {
        switch model.ui.focus {
        case .environments:
            let count = model.environments.count
            guard count > 0 else { return }
            let next = min(max(0, model.ui.environment + delta), count - 1)
            if next != model.ui.environment {
                model.ui.environment = next
                model.ui.stage = nil
                model.ui.item = 0
                model.ui.logScroll = 0
            }
        case .pipeline:
            guard let deploy = model.selectedDeploy, !deploy.stages.isEmpty else { return }
            let current = model.selectedStageIndex ?? 0
            model.ui.stage = min(max(0, current + delta), deploy.stages.count - 1)
            model.ui.logScroll = 0
        case .checklist:
            let count = model.checklistRows.count
            guard count > 0 else { return }
            model.ui.item = min(max(0, model.ui.item + delta), count - 1)
        case .metrics: break
        case .log:
            let total = LogPanel.lines(model).count
            model.ui.logScroll = min(max(0, model.ui.logScroll - delta), max(0, total - 1))
        }
    }

    static func click(column: Int, row: Int, model: inout ConsoleModel, size: TerminalSize) {
        let layout = model.layout(size)
        guard !layout.isTooSmall, let panel = layout.panel(atColumn: column, row: row) else { return }
        model.ui.focus = panel
        let inner = layout.inner(panel)
        guard inner.contains(column: column, row: row) else { return }
        let offset = row - inner.y
        switch panel {
        case .environments:
            let count = model.environments.count
            let first = max(0, min(model.ui.environment, count - 1) - inner.height + 1)
            if first + offset < count {
                model.ui.environment = first + offset
                model.ui.stage = nil
                model.ui.item = 0
            }
        case .pipeline:
            guard let deploy = model.selectedDeploy else { return }
            let first = max(0, (model.selectedStageIndex ?? 0) - inner.height + 1)
            if first + offset < deploy.stages.count {
                model.ui.stage = first + offset
                model.ui.logScroll = 0
            }
        case .checklist:
            let count = model.checklistRows.count
            let first = max(0, min(model.ui.item, count - 1) - inner.height + 1)
            if first + offset < count { model.ui.item = first + offset }
        case .metrics, .log: break
        }
    }

    static func jumpToMatch(older: Bool, model: inout ConsoleModel, size: TerminalSize) {
        let lines = LogPanel.lines(model)
        let matches = LogPanel.matches(lines, query: model.ui.search)
        guard !matches.isEmpty else {
            model.ui.message = model.ui.search.isEmpty ? "no search: press / to search" : "no match for '\(model.ui.search)'"
            return
        }
        let height = max(1, model.layout(size).inner(.log).height)
        let bottom = lines.count - 1 - model.ui.logScroll
        let target = older ? matches.last { $0 < bottom } ?? matches.last! : matches.first { $0 > bottom } ?? matches.first!
        // Show the match on the bottom row of the view (or the view's top part when near the start).
        model.ui.logScroll = max(0, min(lines.count - 1 - target, max(0, lines.count - height)))
    }

    // MARK: - Intents that change something

    static func selectedRow(_ model: ConsoleModel) -> (checklist: String, item: ChecklistItemState)? {
        let rows = model.checklistRows
        guard !rows.isEmpty else { return nil }
        return rows[min(max(0, model.ui.item), rows.count - 1)]
    }

    static func refuse(_ text: String, _ model: inout ConsoleModel) {
        model.ui.message = text
        model.ui.messageIsError = true
    }

    static func toggleTick(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        if model.ui.focus != .checklist {
            model.ui.focus = .checklist
        }
        guard let deploy = model.selectedDeploy, let row = selectedRow(model) else {
            refuse("no checklist item to tick", &model)
            return []
        }
        guard !deploy.status.isFinished else {
            refuse("\(deploy.id) has finished (\(deploy.status.rawValue)); its checklist is closed", &model)
            return []
        }
        if row.item.spec.isAutomatic {
            refuse("\(row.item.spec.id) is verified by its command (\(ShellQuote.join(row.item.spec.verify))), not by hand", &model)
            return []
        }
        if row.item.done {
            model.ui.message = "unticked \(row.checklist)/\(row.item.spec.id)"
            return [.append(deploy: deploy.id, payload: .checklistItemUnticked(checklist: row.checklist, item: row.item.spec.id, note: ""),
                            newStream: false)]
        }
        let required = row.item.spec.evidenceRequired
        model.ui.overlay = .prompt(Prompt(
            purpose: .tickNote(deploy: deploy.id, checklist: row.checklist, item: row.item.spec.id, evidenceRequired: required),
            title: "Tick \(row.item.spec.id): \(row.item.spec.text)",
            label: required ? "Evidence (required), e.g. a snapshot id or link:" : "Note (optional, enter to skip):"))
        return []
    }

    static func approve(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        guard let deploy = model.selectedDeploy else {
            refuse("no deploy to approve", &model)
            return []
        }
        guard !deploy.status.isFinished else {
            refuse("\(deploy.id) has finished (\(deploy.status.rawValue))", &model)
            return []
        }
        let scopes = deploy.policy.stages.flatMap(\.gate).compactMap { requirement -> String? in
            if case .approvals(let scope) = requirement { return scope }
            return nil
        }
        guard let scope = scopes.first(where: { scope in
            !GateRules.countedApprovers(scope, in: deploy).contains(model.actor)
        }) ?? scopes.first else {
            refuse("\(deploy.environment) \(deploy.version) needs no approval", &model)
            return []
        }
        guard let rule = deploy.policy.approvals.first(where: { $0.scope == scope }) else {
            refuse("no approval rules for '\(scope)'", &model)
            return []
        }
        if deploy.approvals.contains(where: { $0.scope == scope && $0.by == model.actor }) {
            refuse("\(model.actor) already approved \(scope)", &model)
            return []
        }
        if !rule.allowed.isEmpty, !rule.allowed.contains(model.actor) {
            refuse("\(model.actor) may not approve \(scope) (approvers: \(rule.allowed.joined(separator: ", ")))", &model)
            return []
        }
        if !rule.allowSelf, deploy.requestedBy == model.actor {
            refuse("\(model.actor) requested this deploy; self-approval is off for \(scope)", &model)
            return []
        }
        model.ui.message = "approved \(scope) as \(model.actor)"
        return [.append(deploy: deploy.id, payload: .approvalGiven(scope: scope, comment: ""), newStream: false)]
    }

    static func rollback(_ model: inout ConsoleModel) {
        guard let deploy = model.selectedDeploy, let environment = model.selectedEnvironment else {
            refuse("no deploy to roll back", &model)
            return
        }
        if deploy.status == .rollingBack || deploy.rollback != nil {
            refuse("\(deploy.id) is already \(deploy.status == .rollingBack ? "rolling back" : "rolled back")", &model)
            return
        }
        if deploy.status == .cancelled {
            refuse("\(deploy.id) was cancelled; nothing to roll back", &model)
            return
        }
        let target = model.rollbackTarget
        var lines = ["Roll back \(environment) from \(deploy.version) to \(target ?? "the previous revision")?"]
        if let how = StatusText.rollback(model) { lines.append(how) }
        lines.append("It starts at once; no canary or analysis is re-run.")
        model.ui.overlay = .confirm(Confirmation(action: .rollback(deploy: deploy.id, environment: environment, target: target),
                                                 title: "Roll back \(environment)", lines: lines, confirmLabel: "Roll back"))
    }

    static func startDeploy(_ model: inout ConsoleModel) {
        guard let environment = model.selectedEnvironment else {
            refuse("no environment selected", &model)
            return
        }
        guard model.policies[environment] != nil else {
            refuse("no stage of the pipeline deploys to \(environment)", &model)
            return
        }
        if let active = model.state.environments[environment]?.activeDeploy,
           let deploy = model.state.deploys[active], !deploy.status.isFinished {
            refuse("\(environment) has a deploy in progress (\(deploy.version)); wait or roll back", &model)
            return
        }
        model.ui.overlay = .prompt(Prompt(purpose: .deployVersion(environment: environment), title: "Deploy to \(environment)",
                                          label: "Version (image tag) to deploy:"))
    }

    /// Whether deploying to `environment` asks to type its name.
    public static func needsTypedConfirmation(_ environment: String, model: ConsoleModel) -> Bool {
        environment == "production" || environment == "prod"
            || (model.policies[environment]?.approvals.contains { $0.scope == environment } ?? false)
    }

    // MARK: - Overlays

    static func applyPrompt(_ intent: Intent, prompt: Prompt, model: inout ConsoleModel) -> [ConsoleEffect] {
        var prompt = prompt
        switch intent {
        case .cancel:
            model.ui.overlay = .none
            return []
        case .type(let character):
            guard prompt.text.count < 200, !character.unicodeScalars.contains(where: SafeText.isUnsafe) else { return [] }
            prompt.text.append(character)
            prompt.error = nil
        case .erase:
            if !prompt.text.isEmpty { prompt.text.removeLast() }
            prompt.error = nil
        case .submit:
            return submit(prompt, model: &model)
        default: break
        }
        model.ui.overlay = .prompt(prompt)
        return []
    }

    static func submit(_ prompt: Prompt, model: inout ConsoleModel) -> [ConsoleEffect] {
        var prompt = prompt
        let text = prompt.text.trimmingCharacters(in: .whitespaces)
        switch prompt.purpose {
        case .search:
            model.ui.search = text
            model.ui.overlay = .none
            if !text.isEmpty { model.ui.focus = .log }
            return []
        case .tickNote(let deploy, let checklist, let item, let required):
            if required && text.isEmpty {
                prompt.error = "this item needs evidence: type a note"
                model.ui.overlay = .prompt(prompt)
                return []
            }
            model.ui.overlay = .none
            model.ui.message = "ticked \(checklist)/\(item)"
            return [.append(deploy: deploy, payload: .checklistItemTicked(checklist: checklist, item: item, note: text), newStream: false)]
        case .deployVersion(let environment):
            if let problem = NameRules.versionProblem(text) {
                prompt.error = problem
                model.ui.overlay = .prompt(prompt)
                return []
            }
            if needsTypedConfirmation(environment, model: model) {
                model.ui.overlay = .prompt(Prompt(purpose: .deployConfirm(environment: environment, version: text),
                                                  title: "Deploy \(text) to \(environment)",
                                                  label: "Type '\(environment)' to confirm:"))
                return []
            }
            return requestDeploy(environment, version: text, model: &model)
        case .deployConfirm(let environment, let version):
            guard text == environment else {
                prompt.error = "type '\(environment)' exactly, or esc to cancel"
                model.ui.overlay = .prompt(prompt)
                return []
            }
            return requestDeploy(environment, version: version, model: &model)
        }
    }

    static func requestDeploy(_ environment: String, version: String, model: inout ConsoleModel) -> [ConsoleEffect] {
        model.ui.overlay = .none
        guard let policy = model.policies[environment] else {
            refuse("no stage of the pipeline deploys to \(environment)", &model)
            return []
        }
        let id = DeployID("\(environment)-\(version)-\(Int(model.now.timeIntervalSince1970))")
        model.ui.message = "requested \(version) → \(environment)"
        model.ui.stage = nil
        model.ui.item = 0
        return [.append(deploy: id, payload: .deployRequested(environment: environment, version: version, policy: policy),
                        newStream: true)]
    }

    static func applyConfirm(_ intent: Intent, confirmation: Confirmation, model: inout ConsoleModel) -> [ConsoleEffect] {
        var confirmation = confirmation
        switch intent {
        case .cancel:
            model.ui.overlay = .none
            model.ui.message = "cancelled"
        case .switchButton:
            confirmation.confirmFocused.toggle()
            model.ui.overlay = .confirm(confirmation)
        case .submit:
            model.ui.overlay = .none
            guard confirmation.confirmFocused else {
                model.ui.message = "cancelled"
                return []
            }
            switch confirmation.action {
            case .rollback(let deploy, let environment, let target):
                model.ui.message = "rollback of \(environment) requested" + (target.map { " → \($0)" } ?? "")
                return [.append(deploy: deploy, payload: .rollbackRequested(reason: "requested by \(model.actor) from the console"),
                                newStream: false)]
            }
        default: break
        }
        return []
    }
}
