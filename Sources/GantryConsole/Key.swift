/// A key press or mouse event, as the backend decodes it.
public enum Key: Equatable, Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    /// A left click at a cell.
    case click(column: Int, row: Int)
    /// The mouse wheel, at the cell under the pointer.
    case scrollUp(column: Int, row: Int), scrollDown(column: Int, row: Int)
}

/// What a key asks the console to do.
public enum Intent: Equatable, Sendable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case nextPanel, previousPanel, open
    case toggleTick, untick, approve, rollback, deploy, cancelDeploy, override
    case startSearch, nextMatch, previousMatch, clearSearch
    /// `H`: the selected environment's past deploys.
    case history
    /// `:`: the command palette.
    case palette
    /// Time travel: `[` `]` one event, `{` `}` ten.
    case step(Int)
    case help, quit
    case click(column: Int, row: Int)
    /// The wheel over a cell: scrolls the panel under the pointer, never the selection.
    case wheel(lines: Int, column: Int, row: Int)
    // Overlays
    case type(Character), erase, submit, cancel, switchButton
    /// Tab in a prompt: complete the word being typed.
    case complete
}

/// Keys → intents. Pure; which keys exist depends on the overlay and on `--readonly`.
public enum KeyMap {
    /// The keys that change something (removed by `--readonly`).
    public static let changingIntents: [Intent] = [.toggleTick, .untick, .approve, .rollback, .deploy, .cancelDeploy, .override]

    /// One row of the help overlay.
    public struct Binding: Equatable, Sendable {
        public var keys: String
        public var action: String
        public var changes: Bool
    }

    /// Every key of the main view, for the help overlay and the key bar.
    public static let bindings: [Binding] = [
        Binding(keys: "↑ ↓  j k", action: "move in the panel", changes: false),
        Binding(keys: "PgUp PgDn", action: "scroll a page", changes: false),
        Binding(keys: "g G  Home End", action: "top / bottom (G follows the log)", changes: false),
        Binding(keys: "tab  shift-tab", action: "next / previous panel", changes: false),
        Binding(keys: "enter", action: "open: environment → pipeline, stage → log", changes: false),
        Binding(keys: "space", action: "tick and go to the next item (u unticks)", changes: true),
        Binding(keys: "a", action: "approve the selected deploy", changes: true),
        Binding(keys: "R", action: "roll back (asks once; Cancel is the default)", changes: true),
        Binding(keys: "d", action: "deploy a version to the selected environment", changes: true),
        Binding(keys: "X", action: "cancel the deploy where it is (no rollback)", changes: true),
        Binding(keys: "O", action: "override a closed gate (typed reason, audited)", changes: true),
        Binding(keys: "/", action: "filter the log as you type (n N: next / previous)", changes: false),
        Binding(keys: "n", action: "checklist: tick with a note", changes: true),
        Binding(keys: ":", action: "command palette: deploy, rollback, tick, theme…", changes: false),
        Binding(keys: "H", action: "history; enter replays a deploy", changes: false),
        Binding(keys: "[ ]  { }", action: "replay: one event / ten events back or on", changes: false),
        Binding(keys: "esc", action: "clear the filter, close a dialog, leave a view", changes: false),
        Binding(keys: "mouse", action: "click to select; wheel scrolls the log under it", changes: false),
        Binding(keys: "?", action: "this help", changes: false),
        Binding(keys: "q", action: "quit (deploys keep running)", changes: false),
    ]

    /// The intent of `key` given the overlay; nil when the key does nothing.
    /// With `readOnly`, keys that change anything map to nil.
    public static func intent(for key: Key, overlay: Overlay, readOnly: Bool) -> Intent? {
        switch overlay {
        case .help:
            switch key {
            case .escape, .enter, .character("?"), .character("q"): return .cancel
            case .click: return .cancel
            default: return nil
            }
        case .prompt:
            switch key {
            case .enter: return .submit
            case .escape: return .cancel
            case .backspace: return .erase
            case .tab: return .complete
            case .character(let character): return .type(character)
            default: return nil
            }
        case .confirm:
            switch key {
            case .enter: return .submit
            case .escape, .character("q"), .character("n"): return .cancel
            case .tab, .backTab, .left, .right, .character("h"), .character("l"): return .switchButton
            default: return nil
            }
        case .none:
            let intent: Intent? = switch key {
            case .up, .character("k"): .moveUp
            case .down, .character("j"): .moveDown
            case .scrollUp(let column, let row): .wheel(lines: -3, column: column, row: row)
            case .scrollDown(let column, let row): .wheel(lines: 3, column: column, row: row)
            case .pageUp: .pageUp
            case .pageDown: .pageDown
            case .home, .character("g"): .top
            case .end, .character("G"): .bottom
            case .tab, .right, .character("l"): .nextPanel
            case .backTab, .left, .character("h"): .previousPanel
            case .enter: .open
            case .character(" "): .toggleTick
            case .character("u"): .untick
            case .character("a"): .approve
            case .character("R"): .rollback
            case .character("d"): .deploy
            case .character("X"): .cancelDeploy
            case .character("O"): .override
            case .character("/"): .startSearch
            case .character("n"): .nextMatch
            case .character("N"): .previousMatch
            case .escape: .clearSearch
            case .character("H"): .history
            case .character(":"): .palette
            case .character("["): .step(-1)
            case .character("]"): .step(1)
            case .character("{"): .step(-10)
            case .character("}"): .step(10)
            case .character("?"): .help
            case .character("q"): .quit
            case .click(let column, let row): .click(column: column, row: row)
            default: nil
            }
            if readOnly, let intent, changingIntents.contains(intent) { return nil }
            return intent
        }
    }
}
