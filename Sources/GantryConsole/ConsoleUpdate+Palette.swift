import Foundation
import GantryCore

/// The `:` command palette and tab completion in prompts. Every command goes the same way as
/// its key (the same dialogs, the same rulebook); the palette only names things by typing.
extension ConsoleUpdate {
    /// The palette's commands, with what each takes.
    public static let paletteCommands: [(name: String, usage: String)] = [
        ("deploy", "deploy [ENV] VERSION"), ("rollback", "rollback [ENV]"), ("approve", "approve [ENV]"),
        ("tick", "tick ITEM [NOTE]"), ("override", "override [GATE] REASON"), ("cancel", "cancel [ENV]"),
        ("history", "history [ENV]"), ("theme", "theme NAME"), ("help", "help"), ("quit", "quit"),
    ]

    /// The words that may come at the end of `text` in `prompt` (the one being typed).
    static func candidates(_ prompt: Prompt, model: ConsoleModel) -> (words: [String], notes: [String: String]) {
        switch prompt.purpose {
        case .deployVersion(let environment):
            let suggestions = VersionSuggestions.versions(for: environment, model: model)
            return (suggestions.map(\.version), Dictionary(suggestions.map { ($0.version, $0.note) }, uniquingKeysWith: { a, _ in a }))
        case .palette:
            let words = prompt.text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let typingNew = prompt.text.isEmpty || prompt.text.hasSuffix(" ")
            let position = typingNew ? words.count : words.count - 1
            guard position > 0 else { return (paletteCommands.map(\.name), [:]) }
            let environments = model.environments
            switch words[0] {
            case "deploy":
                if position == 1 { return (environments + versions(model.selectedEnvironment, model), [:]) }
                if position == 2, environments.contains(words[1]) { return (versions(words[1], model), [:]) }
                return ([], [:])
            case "rollback", "approve", "cancel", "history":
                return position == 1 ? (environments, [:]) : ([], [:])
            case "tick":
                return position == 1 ? (model.checklistRows.filter { !$0.item.done && !$0.item.spec.isAutomatic }.map(\.item.spec.id), [:]) : ([], [:])
            case "override":
                guard position == 1, let deploy = model.selectedDeploy else { return ([], [:]) }
                return (deploy.gateStatuses.filter { !deploy.openedGates.contains($0.gate) }.map(\.gate), [:])
            case "theme":
                return position == 1 ? (model.themeNames, [:]) : ([], [:])
            default:
                return ([], [:])
            }
        default:
            return ([], [:])
        }
    }

    static func versions(_ environment: String?, _ model: ConsoleModel) -> [String] {
        environment.map { VersionSuggestions.versions(for: $0, model: model).map(\.version) } ?? []
    }

    /// The word being typed at the end of the prompt.
    static func currentWord(_ prompt: Prompt) -> String {
        if case .deployVersion = prompt.purpose { return prompt.text }
        if prompt.text.hasSuffix(" ") { return "" }
        return prompt.text.split(separator: " ").last.map(String.init) ?? ""
    }

    /// Refreshes what the prompt offers for the word being typed.
    static func suggest(_ prompt: inout Prompt, model: ConsoleModel) {
        let (words, notes) = candidates(prompt, model: model)
        let word = currentWord(prompt)
        var matching = words.filter { $0.hasPrefix(word) && $0 != word }
        if case .deployVersion = prompt.purpose, words.contains(word) { matching = words }
        prompt.suggestions = Array(matching.prefix(8))
        switch prompt.purpose {
        case .deployVersion:
            if let first = matching.first, let note = notes[first], !note.isEmpty {
                prompt.hint = "\(first): \(note) (tab)"
            } else {
                prompt.hint = matching.isEmpty ? "" : "tab completes:"
            }
        case .palette:
            let name = prompt.text.split(separator: " ").first.map(String.init) ?? ""
            if let command = paletteCommands.first(where: { $0.name == name }) {
                prompt.hint = command.usage
            } else {
                prompt.hint = prompt.text.isEmpty ? "commands:" : ""
            }
        default:
            break
        }
    }

    /// Tab: completes the word being typed to the one candidate, or to what all candidates share.
    static func complete(_ prompt: inout Prompt, model: ConsoleModel) {
        let (words, _) = candidates(prompt, model: model)
        let word = currentWord(prompt)
        if case .deployVersion = prompt.purpose, !words.isEmpty {
            // The first offer (verified where this environment needs it) first; tab again cycles.
            if let index = words.firstIndex(of: word) {
                prompt.text = words[(index + 1) % words.count]
            } else if let first = words.first(where: { $0.hasPrefix(word) }) {
                prompt.text = first
            }
            prompt.error = nil
            return
        }
        let matching = words.filter { $0.hasPrefix(word) }
        guard !matching.isEmpty else {
            prompt.error = words.isEmpty ? nil : "nothing starts with '\(word)'"
            return
        }
        var completion = matching.count == 1 ? matching[0] : commonPrefix(matching)
        if completion.count <= word.count, matching.count > 1 { completion = matching[0] }
        let kept = String(prompt.text.dropLast(word.count))
        prompt.text = kept + completion
        if matching.count == 1, case .palette = prompt.purpose { prompt.text += " " }
        prompt.error = nil
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Runs a palette command the way its key does (same dialogs, same rulebook).
    static func runCommand(_ text: String, model: inout ConsoleModel) -> [ConsoleEffect] {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { return [] }
        let arguments = Array(words.dropFirst())
        let environments = model.environments
        /// Selects the environment named first, when it is one; returns the rest.
        func environmentArgument() -> [String]? {
            guard let first = arguments.first, environments.contains(first) else {
                if let first = arguments.first, arguments.count == 1, name != "deploy" {
                    refuse("no environment '\(SafeText.sanitize(first))'\(suggestion(first, environments)); "
                        + "known: \(environments.joined(separator: ", "))", &model)
                    return nil
                }
                return arguments
            }
            selectEnvironment(first, &model)
            return Array(arguments.dropFirst())
        }
        let size = TerminalSize(columns: 120, rows: 40)
        switch name {
        case "deploy":
            guard let rest = environmentArgument() else { return [] }
            guard let version = rest.first else {
                startDeploy(&model)
                return []
            }
            startDeploy(&model)
            guard case .prompt(var prompt) = model.ui.overlay else { return [] }
            prompt.text = version
            return submit(prompt, model: &model)
        case "rollback":
            guard environmentArgument() != nil else { return [] }
            rollback(&model)
        case "approve":
            guard environmentArgument() != nil else { return [] }
            return approve(&model)
        case "cancel":
            guard environmentArgument() != nil else { return [] }
            cancelDeploy(&model)
        case "history":
            guard environmentArgument() != nil else { return [] }
            return applyMain(.history, model: &model, size: size)
        case "tick":
            guard let id = arguments.first else {
                refuse("tick needs an item: tick ITEM [NOTE]", &model)
                return []
            }
            guard let index = model.checklistRows.firstIndex(where: { $0.item.spec.id == id }) else {
                let ids = model.checklistRows.map(\.item.spec.id)
                refuse("no checklist item '\(SafeText.sanitize(id))'\(suggestion(id, ids))", &model)
                return []
            }
            let row = model.checklistRows[index]
            model.ui.focus = .checklist
            model.ui.item = index
            let environment = model.selectedEnvironment ?? ""
            let effects = ask(.tick(environment: environment, checklist: row.checklist, item: id,
                                    note: arguments.dropFirst().joined(separator: " ")), model: &model)
            if !effects.isEmpty { moveToNextOpenItem(after: index, &model) }
            return effects
        case "override":
            guard let deploy = model.selectedDeploy, let environment = model.selectedEnvironment else {
                refuse("no deploy to override", &model)
                return []
            }
            let gates = deploy.gateStatuses.map(\.gate)
            var rest = arguments
            var gate: String?
            if let first = rest.first, gates.contains(first) {
                gate = first
                rest.removeFirst()
            }
            let reason = rest.joined(separator: " ")
            guard !reason.isEmpty else {
                refuse("override needs a reason: override [GATE] REASON", &model)
                return []
            }
            if case .failure(let refusal) = check(.override(environment: environment, gate: gate, reason: reason), model) {
                refuse(refusal.reason, &model)
                return []
            }
            let chosen = gate ?? deploy.gateStatuses.first { !deploy.openedGates.contains($0.gate) }?.gate ?? ""
            model.ui.overlay = .confirm(overrideConfirmation(deploy, environment: environment, gate: chosen, reason: reason,
                                                             actor: model.actor))
        case "theme":
            guard let theme = arguments.first else {
                refuse("theme needs a name: \(model.themeNames.joined(separator: ", "))", &model)
                return []
            }
            return [.setTheme(theme)]
        case "help", "?":
            model.ui.overlay = .help
        case "quit", "q":
            return [.quit]
        default:
            let names = paletteCommands.map(\.name)
            refuse("no command '\(SafeText.sanitize(name))'\(suggestion(name, names)): \(names.joined(separator: ", "))", &model)
        }
        return []
    }

    /// `, did you mean 'x'?` for the nearest of `known` (same first letter or a shared prefix), or "".
    static func suggestion(_ word: String, _ known: [String]) -> String {
        let lowered = word.lowercased()
        if let found = known.first(where: { $0.hasPrefix(lowered) || lowered.hasPrefix($0) }) { return ", did you mean '\(found)'?" }
        if let found = known.first(where: { $0.first == lowered.first }) { return ", did you mean '\(found)'?" }
        return ""
    }
}
