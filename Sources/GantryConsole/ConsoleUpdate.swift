import Foundation
import GantryCore

/// A side effect the console asks for, as data: the live loop performs it.
public enum ConsoleEffect: Equatable, Sendable {
    /// Record a command as the console's actor, through the rulebook (decided again on the
    /// store's newest state when it is appended; a refusal then comes back as a message).
    case command(Command)
    /// Open a past deploy read-only at its events: the loop loads the state before it and the
    /// events of its lifetime, and sets `ui.travel`.
    case openTravel(DeployID)
    /// Switch to the theme of this name.
    case setTheme(String)
    case quit
}

/// The console's update function: `(model, intent) -> model', effects`. Pure. The console keeps
/// no rule of its own: every key that changes something builds a `Command` and asks the
/// `Rulebook` at once (a refusal is a message on screen), and the loop records it.
public enum ConsoleUpdate {
    /// Applies a key (through the key map) at terminal `size`.
    public static func handle(_ key: Key, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        model.ui.message = nil
        model.ui.messageIsError = false
        let effects = handleKey(key, model: &model, size: size)
        // What a key says also goes to the notification area, where it fades.
        if let message = model.ui.message { model.ui.notify(message, isError: model.ui.messageIsError, at: model.now) }
        return effects
    }

    static func handleKey(_ key: Key, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        guard let intent = KeyMap.intent(for: key, overlay: model.ui.overlay, readOnly: model.readOnly) else {
            guard case .none = model.ui.overlay, case .character(let c) = key else { return [] }
            if model.ui.travel != nil, " aRXOnu".contains(c) {
                model.ui.message = "a replay is read-only: esc returns to the live console"
                model.ui.messageIsError = true
            } else if model.readOnly, " aRdXOu".contains(c) {
                model.ui.message = "read-only console: '\(c == " " ? "space" : String(c))' is off"
                model.ui.messageIsError = true
            } else if c.isLetter || c.isNumber || c.isPunctuation || c.isSymbol {
                // A key that does nothing says so, and where the keys are.
                model.ui.message = "'\(SafeText.sanitize(String(c)))' does nothing here: ? for help"
                model.ui.messageIsError = false
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
            if model.ui.travel != nil { return applyTravel(intent, model: &model, size: size) }
            if case .history(let environment) = model.ui.view {
                return applyHistory(intent, environment: environment, model: &model, size: size)
            }
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
        case .untick: return untick(&model)
        case .approve: return approve(&model)
        case .rollback: rollback(&model)
        case .deploy: startDeploy(&model)
        case .cancelDeploy: cancelDeploy(&model)
        case .override: startOverride(&model)
        case .startSearch:
            // A new filter starts empty and filters as it is typed.
            model.ui.search = ""
            model.ui.logScroll = 0
            model.ui.overlay = .prompt(Prompt(purpose: .search, title: "Filter the log", label: "Filter (case-insensitive):"))
        case .history:
            guard let environment = model.selectedEnvironment else {
                refuse("no environment selected", &model)
                return []
            }
            model.ui.view = .history(environment: environment)
            model.ui.historyRow = 0
        case .palette:
            var prompt = Prompt(purpose: .palette, title: "Command", label: "Command:")
            suggest(&prompt, model: model)
            model.ui.overlay = .prompt(prompt)
        case .step:
            model.ui.message = "[ ] step through a replay: H lists the deploys, enter replays one"
        case .nextMatch:
            // `n` in the checklist ticks with a note; elsewhere it is the next search match.
            if model.ui.focus == .checklist, !model.readOnly { return toggleTick(&model, withNote: true) }
            jumpToMatch(older: true, model: &model, size: size)
        case .previousMatch: jumpToMatch(older: false, model: &model, size: size)
        case .clearSearch: model.ui.search = ""
        case .help: model.ui.overlay = .help
        case .quit: return [.quit]
        case .click(let column, let row): click(column: column, row: row, model: &model, size: size)
        case .wheel(let lines, let column, let row): wheel(lines, column: column, row: row, model: &model, size: size)
        case .type, .erase, .submit, .cancel, .switchButton, .complete: break
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
            let total = LogPanel.visibleLines(model.shown).count
            model.ui.logScroll = min(max(0, model.ui.logScroll - delta), max(0, total - 1))
        }
    }

    /// The wheel scrolls the log when the pointer is over it (up = older lines), wherever the
    /// focus is; over any other panel it does nothing: a wheel never changes what is selected, so
    /// the next `R` or `d` acts where the user thinks it does.
    static func wheel(_ lines: Int, column: Int, row: Int, model: inout ConsoleModel, size: TerminalSize) {
        let layout = model.layout(size)
        guard !layout.isTooSmall, layout.panel(atColumn: column, row: row) == .log else { return }
        let total = LogPanel.visibleLines(model.shown).count
        model.ui.logScroll = min(max(0, model.ui.logScroll - lines), max(0, total - 1))
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
            guard model.ui.travel == nil else { return }
            let count = model.environments.count
            let first = layout.cards ? 0 : max(0, min(model.ui.environment, count - 1) - inner.height + 1)
            let offset = layout.cards ? offset / max(1, EnvironmentsPanel.cardHeight(model)) : offset
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
        let lines = LogPanel.visibleLines(model.shown)
        let matches = LogPanel.matches(lines, query: model.ui.search)
        guard !matches.isEmpty else {
            model.ui.message = model.ui.search.isEmpty ? "no filter: press / to filter the log" : "no match for '\(model.ui.search)'"
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

    /// What the message line says while an accepted command is being recorded; the loop replaces
    /// it with the recorded summary (or the failure) once the append returns.
    public static let recordingSuffix = " (recording…)"

    /// Asks the rulebook about `command` on the console's state: a refusal is shown, an accepted
    /// command becomes an effect (recorded by the loop) and its summary the message, marked as
    /// being recorded until the loop says it is.
    static func ask(_ command: Command, model: inout ConsoleModel) -> [ConsoleEffect] {
        switch check(command, model) {
        case .failure(let refusal):
            refuse(refusal.reason, &model)
            return []
        case .success(let decision):
            model.ui.message = decision.summary + recordingSuffix
            model.ui.messageIsError = false
            return [.command(command)]
        }
    }

    static func check(_ command: Command, _ model: ConsoleModel) -> Result<Decision, Refusal> {
        Rulebook.decide(command, state: model.state, context: DecisionContext(actor: model.actor, now: model.now))
    }

    /// Space on a checklist item: ticks it at once (a prompt opens only when the item needs
    /// evidence) and moves to the next item not yet done; on a ticked item, unticks it. `n` ticks
    /// with a note (`withNote`).
    static func toggleTick(_ model: inout ConsoleModel, withNote: Bool = false) -> [ConsoleEffect] {
        if model.ui.focus != .checklist {
            // From another panel, space goes to the first item still to tick by hand.
            model.ui.focus = .checklist
            if let open = model.checklistRows.firstIndex(where: { !$0.item.done && !$0.item.spec.isAutomatic }) {
                model.ui.item = open
            }
        }
        guard let deploy = model.selectedDeploy, let row = selectedRow(model) else {
            refuse("no checklist item to tick", &model)
            return []
        }
        let environment = model.selectedEnvironment ?? deploy.environment
        if row.item.done, !withNote {
            // Space never unticks (pressed once too often it would undo a tick): `u` does.
            model.ui.message = "\(row.checklist)/\(row.item.spec.id) is ticked by \(row.item.by): u unticks it"
            moveToNextOpenItem(after: model.ui.item, &model)
            return []
        }
        // Ask with a placeholder note first, so a refused tick never opens the note prompt.
        if case .failure(let refusal) = check(.tick(environment: environment, checklist: row.checklist, item: row.item.spec.id,
                                                    note: "-"), model) {
            refuse(refusal.reason, &model)
            return []
        }
        let required = row.item.spec.evidenceRequired
        guard required || withNote else {
            let effects = ask(.tick(environment: environment, checklist: row.checklist, item: row.item.spec.id, note: ""), model: &model)
            moveToNextOpenItem(after: model.ui.item, &model)
            return effects
        }
        model.ui.overlay = .prompt(Prompt(
            purpose: .tickNote(deploy: deploy.id, checklist: row.checklist, item: row.item.spec.id, evidenceRequired: required),
            title: "Tick \(row.item.spec.id): \(row.item.spec.text)",
            label: required ? "Evidence (required), e.g. a snapshot id or link:" : "Note:"))
        return []
    }

    /// `u` on a ticked checklist item: unticks it (through the rulebook, like a tick).
    static func untick(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        guard model.ui.focus == .checklist, let deploy = model.selectedDeploy, let row = selectedRow(model) else {
            refuse("u unticks the selected checklist item: tab to the checklist first", &model)
            return []
        }
        guard row.item.done else {
            refuse("\(row.checklist)/\(row.item.spec.id) is not ticked", &model)
            return []
        }
        let environment = model.selectedEnvironment ?? deploy.environment
        return ask(.untick(environment: environment, checklist: row.checklist, item: row.item.spec.id, note: ""), model: &model)
    }

    /// Selects the next checklist item that is not done (wrapping), or stays when none is left.
    static func moveToNextOpenItem(after index: Int, _ model: inout ConsoleModel) {
        let rows = model.checklistRows
        guard !rows.isEmpty else { return }
        for step in 1..<max(2, rows.count + 1) {
            let candidate = (index + step) % rows.count
            if !rows[candidate].item.done, !rows[candidate].item.spec.isAutomatic, candidate != index {
                model.ui.item = candidate
                return
            }
        }
    }

    /// `a`: what would be approved (version, environment, the checklist, the environments it
    /// needed first, the approvals so far) in a dialog whose default is Cancel.
    static func approve(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        guard let environment = model.selectedEnvironment, let deploy = model.selectedDeploy else {
            refuse("no deploy to approve", &model)
            return []
        }
        if case .failure(let refusal) = check(.approve(environment: environment, comment: ""), model) {
            refuse(refusal.reason, &model)
            return []
        }
        model.ui.overlay = .confirm(Confirmation(action: .approve(deploy: deploy.id, environment: environment),
                                                 title: "Approve \(deploy.version) to \(deploy.environment)",
                                                 lines: approvalSummary(deploy, model: model), confirmLabel: "Approve"))
        return []
    }

    /// The lines of the approval dialog.
    public static func approvalSummary(_ deploy: DeployState, model: ConsoleModel) -> [String] {
        var lines = ["Approve \(deploy.version) to \(deploy.environment) (\(deploy.policy.strategy)) as \(model.actor)?",
                     "Requested by \(deploy.requestedBy) \(TextFormat.ago(deploy.requestedAt, now: model.now))."]
        let rows = deploy.checklists.flatMap { list in list.items.map { (list.id, $0) } }
        if !rows.isEmpty {
            let open = rows.filter { !$0.1.isSatisfied }.map(\.1.spec.id)
            lines.append(open.isEmpty ? "Checklist: all \(rows.count) items done."
                : "Checklist: \(rows.count - open.count)/\(rows.count) done; not yet: \(open.prefix(4).joined(separator: ", "))"
                    + (open.count > 4 ? ", …" : "") + ".")
        }
        for required in model.requires[deploy.environment] ?? [] {
            let verified = model.state.environments[required]?.knownGood.contains(deploy.version) == true
            lines.append(verified ? "\(deploy.version) is verified on \(required)." : "\(deploy.version) is not verified on \(required) yet.")
        }
        for rule in deploy.policy.approvals {
            let given = deploy.approvals.filter { $0.scope == rule.scope }.map(\.by)
            lines.append("Approvals for \(rule.scope): \(given.count) of \(rule.required)"
                + (given.isEmpty ? "" : " (\(given.joined(separator: ", ")))") + ".")
        }
        return lines
    }

    static func rollback(_ model: inout ConsoleModel) {
        guard let deploy = model.selectedDeploy, let environment = model.selectedEnvironment else {
            refuse("no deploy to roll back", &model)
            return
        }
        if case .failure(let refusal) = check(.rollback(environment: environment, reason: ""), model) {
            refuse(refusal.reason, &model)
            return
        }
        let target = model.rollbackTarget
        let from = model.rollbackStep?.from ?? model.state.environments[environment]?.currentVersion ?? deploy.version
        var lines = ["Roll back \(environment) from \(from) to \(target ?? "the previous revision")?"]
        if let how = StatusText.rollback(model) { lines.append(how) }
        lines.append("It starts at once; no canary or analysis is re-run.")
        model.ui.overlay = .confirm(Confirmation(action: .rollback(deploy: deploy.id, environment: environment, target: target),
                                                 title: "Roll back \(environment)", lines: lines, confirmLabel: "Roll back"))
    }

    static func cancelDeploy(_ model: inout ConsoleModel) {
        guard let deploy = model.selectedDeploy, let environment = model.selectedEnvironment else {
            refuse("no deploy to cancel", &model)
            return
        }
        if case .failure(let refusal) = check(.cancel(environment: environment, reason: ""), model) {
            refuse(refusal.reason, &model)
            return
        }
        let done = deploy.stages.filter { $0.status == .succeeded }.map(\.id)
        let lines = ["Stop \(deploy.version) to \(environment) where it is?",
                     done.isEmpty ? "Nothing of it has completed yet." : "Completed: \(done.joined(separator: ", ")); they are not undone.",
                     "This is not a rollback: press R to roll back instead."]
        model.ui.overlay = .confirm(Confirmation(action: .cancel(deploy: deploy.id, environment: environment),
                                                 title: "Cancel the deploy", lines: lines, confirmLabel: "Stop it"))
    }

    static func startOverride(_ model: inout ConsoleModel) {
        guard let deploy = model.selectedDeploy, let environment = model.selectedEnvironment else {
            refuse("no deploy to override", &model)
            return
        }
        if case .failure(let refusal) = check(.override(environment: environment, gate: nil, reason: "-"), model) {
            refuse(refusal.reason, &model)
            return
        }
        guard let gate = deploy.gateStatuses.first(where: { !deploy.openedGates.contains($0.gate) })?.gate else { return }
        model.ui.overlay = .prompt(Prompt(purpose: .overrideReason(environment: environment, gate: gate),
                                          title: "Override gate \(gate) (emergency)",
                                          label: "Why force it open? (required, kept in the audit trail)"))
    }

    static func startDeploy(_ model: inout ConsoleModel, version: String? = nil) {
        guard let environment = model.selectedEnvironment else {
            refuse("no environment selected", &model)
            return
        }
        guard let policy = model.policies[environment] else {
            refuse("no stage of the pipeline deploys to \(environment)", &model)
            return
        }
        // Whether any deploy may start now (the version is asked next; its own rules then).
        if case .failure(let refusal) = check(.deploy(environment: environment, version: "0", policy: policy, requires: []), model) {
            refuse(refusal.reason, &model)
            return
        }
        var prompt = Prompt(purpose: .deployVersion(environment: environment), title: "Deploy to \(environment)",
                            label: "Version (image tag) to deploy:", text: version ?? "")
        suggest(&prompt, model: model)
        model.ui.overlay = .prompt(prompt)
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
            // Esc while filtering clears the filter.
            if prompt.purpose == .search { model.ui.search = "" }
            return []
        case .type(let character):
            guard prompt.text.count < 200, !character.unicodeScalars.contains(where: SafeText.isUnsafe) else { return [] }
            prompt.text.append(character)
            prompt.error = nil
        case .erase:
            if !prompt.text.isEmpty { prompt.text.removeLast() }
            prompt.error = nil
        case .complete:
            complete(&prompt, model: model)
        case .submit:
            return submit(prompt, model: &model)
        default: break
        }
        if prompt.purpose == .search {
            // The filter follows every key.
            model.ui.search = prompt.text.trimmingCharacters(in: .whitespaces)
            model.ui.logScroll = 0
        }
        suggest(&prompt, model: model)
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
        case .palette:
            model.ui.overlay = .none
            return runCommand(text, model: &model)
        case .tickNote(let deploy, let checklist, let item, _):
            let environment = model.selectedEnvironment ?? model.state.deploys[deploy]?.environment ?? ""
            let command = Command.tick(environment: environment, checklist: checklist, item: item, note: text)
            if case .failure(let refusal) = check(command, model) {
                prompt.error = refusal.reason
                model.ui.overlay = .prompt(prompt)
                return []
            }
            model.ui.overlay = .none
            let effects = ask(command, model: &model)
            moveToNextOpenItem(after: model.ui.item, &model)
            return effects
        case .overrideReason(let environment, let gate):
            guard !text.isEmpty else {
                prompt.error = "an override needs a reason, or esc to cancel"
                model.ui.overlay = .prompt(prompt)
                return []
            }
            guard let deploy = model.selectedDeploy else {
                model.ui.overlay = .none
                return []
            }
            model.ui.overlay = .confirm(overrideConfirmation(deploy, environment: environment, gate: gate, reason: text, actor: model.actor))
            return []
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
        model.ui.stage = nil
        model.ui.item = 0
        return ask(.deploy(environment: environment, version: version, policy: policy, requires: model.requires[environment] ?? []),
                   model: &model)
    }

    /// The dialog that asks before forcing `gate` open (Cancel is the default).
    static func overrideConfirmation(_ deploy: DeployState, environment: String, gate: String, reason: String,
                                     actor: String) -> Confirmation {
        Confirmation(action: .override(deploy: deploy.id, environment: environment, gate: gate, reason: reason),
                     title: "Override gate \(gate)",
                     lines: ["Force \(gate) of \(deploy.version) open without its conditions?",
                             "Reason: \(reason)", "It is marked OVERRODE in the audit trail, as \(actor)."],
                     confirmLabel: "Override")
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
            case .rollback(_, let environment, _):
                return ask(.rollback(environment: environment, reason: "requested by \(model.actor) from the console"), model: &model)
            case .cancel(_, let environment):
                return ask(.cancel(environment: environment, reason: "from the console"), model: &model)
            case .override(_, let environment, let gate, let reason):
                return ask(.override(environment: environment, gate: gate, reason: reason), model: &model)
            case .approve(_, let environment):
                return ask(.approve(environment: environment, comment: ""), model: &model)
            }
        default: break
        }
        return []
    }
}
