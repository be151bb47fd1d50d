import Foundation
import GantryCore

/// The history view and time travel.
extension ConsoleUpdate {
    /// Keys in an environment's history: move, enter replays, `d` deploys the chosen version
    /// again (through the deploy dialog and the rulebook), esc or `H` goes back.
    static func applyHistory(_ intent: Intent, environment: String, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        let rows = HistoryPanel.rows(model, environment: environment)
        let page = max(1, model.layout(size).body.height - 3)
        func select(_ row: Int) { model.ui.historyRow = min(max(0, row), max(0, rows.count - 1)) }
        switch intent {
        case .moveUp: select(model.ui.historyRow - 1)
        case .moveDown: select(model.ui.historyRow + 1)
        case .pageUp: select(model.ui.historyRow - page)
        case .pageDown: select(model.ui.historyRow + page)
        case .top: select(0)
        case .bottom: select(rows.count - 1)
        case .wheel(let lines, _, _): select(model.ui.historyRow + lines)
        case .click(_, let row):
            let body = model.layout(size).body
            let first = max(0, model.ui.historyRow - (body.height - 3) + 1)
            let index = first + row - body.y - 2
            if index >= 0, index < rows.count { select(index) }
        case .open:
            guard !rows.isEmpty else {
                refuse("no deploy to replay", &model)
                return []
            }
            return [.openTravel(rows[min(model.ui.historyRow, rows.count - 1)].deploy)]
        case .deploy:
            guard !rows.isEmpty else { return applyMain(intent, model: &model, size: size) }
            let row = rows[min(model.ui.historyRow, rows.count - 1)]
            selectEnvironment(environment, &model)
            model.ui.view = .main
            startDeploy(&model, version: row.version)
        case .clearSearch, .history:
            model.ui.view = .main
        case .quit: return [.quit]
        case .help: model.ui.overlay = .help
        case .palette: return applyMain(intent, model: &model, size: size)
        default:
            model.ui.message = "history: enter replays a deploy, d deploys its version, esc goes back"
        }
        return []
    }

    /// Keys in a replay: `[` `]` one event, `{` `}` ten, `g` `G` the first and last; the panels
    /// move as usual; `d` deploys the replayed version again; esc goes back.
    static func applyTravel(_ intent: Intent, model: inout ConsoleModel, size: TerminalSize) -> [ConsoleEffect] {
        guard var travel = model.ui.travel else { return [] }
        switch intent {
        case .step(let delta):
            travel.go(to: travel.index + delta)
            model.ui.travel = travel
        case .top where model.ui.focus != .log:
            travel.go(to: 0)
            model.ui.travel = travel
        case .bottom where model.ui.focus != .log:
            travel.go(to: travel.count - 1)
            model.ui.travel = travel
        case .clearSearch where !model.ui.search.isEmpty:
            model.ui.search = ""
        case .clearSearch, .history:
            model.ui.travel = nil
            model.ui.view = .history(environment: travel.environment)
            model.ui.stage = nil
        case .deploy:
            let version = travel.version
            model.ui.travel = nil
            model.ui.view = .main
            selectEnvironment(travel.environment, &model)
            startDeploy(&model, version: version)
        case .approve, .rollback, .toggleTick, .untick, .cancelDeploy, .override:
            refuse("a replay is read-only: esc returns to the live console", &model)
        case .moveUp, .moveDown, .pageUp, .pageDown, .top, .bottom:
            // Panels move over the state shown.
            if model.ui.focus == .environments { model.ui.focus = .pipeline }
            var shown = model.shown
            _ = applyMain(intent, model: &shown, size: size)
            model.ui = shown.ui
        default:
            return applyMain(intent, model: &model, size: size)
        }
        return []
    }

    static func selectEnvironment(_ environment: String, _ model: inout ConsoleModel) {
        guard let index = model.environments.firstIndex(of: environment) else { return }
        if index != model.ui.environment {
            model.ui.environment = index
            model.ui.stage = nil
            model.ui.item = 0
            model.ui.logScroll = 0
        }
    }
}

/// Versions the deploy dialog offers: those verified on the environments this one requires
/// first (newest first), then the newest versions deployed anywhere.
public enum VersionSuggestions {
    public static func versions(for environment: String, model: ConsoleModel, limit: Int = 6) -> [(version: String, note: String)] {
        var result: [(String, String)] = []
        func add(_ version: String, _ note: String) {
            guard !version.isEmpty, !result.contains(where: { $0.0 == version }) else { return }
            result.append((version, note))
        }
        for required in model.requires[environment] ?? [] {
            for version in (model.state.environments[required]?.knownGood ?? []).reversed() {
                add(version, "verified on \(required)")
            }
        }
        let live = model.state.environments[environment]?.currentVersion
        for deploy in model.state.deploys.reversed() where result.count < limit * 2 {
            if deploy.version == live { add(deploy.version, "live here") } else { add(deploy.version, "") }
        }
        return Array(result.prefix(limit))
    }
}
