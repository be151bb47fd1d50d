import Foundation
import GantryCore
import XCTest
@testable import GantryConsole

/// The history, the replay, the palette, the environment cards and the notification area: exact
/// screens at 80x24 and 200x60, and the keys that reach them.
final class ViewScreenTests: XCTestCase {
    private func render(_ model: ConsoleModel, _ size: TerminalSize = .small) -> CellBuffer {
        ConsoleScreen.render(model, theme: .dark, size: size)
    }

    /// Production's history at the rolling-back phase: the deploy rolling back automatically,
    /// and the one before it.
    private func historyModel() -> ConsoleModel {
        var model = SampleDeploys.model(.rollingBack)
        XCTAssertEqual(ConsoleUpdate.handle(.character("H"), model: &model, size: .small), [])
        return model
    }

    /// The canary phase's events, numbered.
    private func canaryEvents() -> [Event] {
        SampleDeploys.events(.canary).enumerated().map { $0.element.numbered(seq: Int64($0.offset + 1), streamVersion: 0) }
    }

    /// A replay of production's 2.1.0 at its `step`-th event (0-based).
    private func replayModel(step: Int) throws -> ConsoleModel {
        var model = SampleDeploys.model(.canary)
        let events = canaryEvents()
        let first = try XCTUnwrap(events.firstIndex { $0.deploy == SampleDeploys.production })
        model.ui.travel = try XCTUnwrap(TimeTravel(deploy: SampleDeploys.production, base: Reducer.fold(Array(events[..<first])),
                                                   events: Array(events[first...]), at: step))
        model.ui.focus = .pipeline
        return model
    }

    // MARK: - History

    func testHistoryAt80x24() {
        XCTAssertEqual(render(historyModel()).lines, [
            " gantry · web · history of production                                     carol",
            "┌ History · production · 2 deploys ────────────────────────────────────────────┐",
            "│  version   outcome                    took    by         why                 │",
            "│▶ 2.1.0   ● rolling back automatically 6m49s   alice      error-rate 7.2% > c…│",
            "│  2.0.0   ✓ succeeded                  1m00s   alice                          │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            " error-rate 7.2% > critical 5%: rolling back to 2.0.0 (kubectl scale deploymen…",
            " enter replay  j/k move  esc back  d deploy this version  q quit",
        ])
    }

    func testHistoryAt200x60() {
        let lines = render(historyModel(), .large).lines
        XCTAssertEqual(Array(lines[0...4]), [
            " gantry · web · history of production                                                                                                                                                             carol",
            "┌ History · production · 2 deploys ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐",
            "│  version   outcome                    took    requested    approved       when (UTC)        why                                                                                                      │",
            "│▶ 2.1.0   ● rolling back automatically 6m49s   alice        bob, carol     2027-01-15 08:04  error-rate 7.2% > critical 5%                                                                            │",
            "│  2.0.0   ✓ succeeded                  1m00s   alice        -              2027-01-15 08:00                                                                                                           │",
        ])
        XCTAssertEqual(Array(lines[58...59]), [
            " error-rate 7.2% > critical 5%: rolling back to 2.0.0 (kubectl scale deployment/web-canary --replicas=0)                                                       rollback → 2.0.0 (scale the canary to 0)",
            " enter replay  j/k move  esc back  d deploy this version  q quit",
        ])
    }

    func testHistoryKeys() {
        var model = historyModel()
        XCTAssertEqual(model.ui.view, .history(environment: "production"))
        _ = ConsoleUpdate.handle(.character("j"), model: &model, size: .small)
        XCTAssertEqual(model.ui.historyRow, 1)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small), [.openTravel(DeployID("production-2.0.0-1799990000"))])
        _ = ConsoleUpdate.handle(.character("k"), model: &model, size: .small)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small), [.openTravel(SampleDeploys.production)])
        // d deploys the chosen version again, through the same dialog (and rulebook) as everywhere.
        _ = ConsoleUpdate.handle(.character("j"), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.character("d"), model: &model, size: .small)
        XCTAssertEqual(model.ui.message, "production already has a deploy in progress: production-2.1.0-1800000600 (2.1.0, "
                       + "rolling-back, requested by alice 6m ago); wait for it, cancel it (`gantry cancel production`) or roll it back "
                       + "(`gantry rollback production`)")
        var idle = SampleDeploys.model(.failed)
        _ = ConsoleUpdate.handle(.character("H"), model: &idle, size: .small)
        _ = ConsoleUpdate.handle(.character("j"), model: &idle, size: .small)
        _ = ConsoleUpdate.handle(.character("d"), model: &idle, size: .small)
        guard case .prompt(let prompt) = idle.ui.overlay else { return XCTFail("no deploy dialog") }
        XCTAssertEqual([prompt.title, prompt.text], ["Deploy to production", "2.0.0"])
        XCTAssertEqual(idle.ui.view, .main)
        _ = ConsoleUpdate.handle(.escape, model: &idle, size: .small)
        _ = ConsoleUpdate.handle(.character("H"), model: &idle, size: .small)
        _ = ConsoleUpdate.handle(.escape, model: &idle, size: .small)
        XCTAssertEqual(idle.ui.view, .main, "esc goes back")
    }

    // MARK: - Replay

    func testReplayAt80x24() throws {
        XCTAssertEqual(render(try replayModel(step: 12)).lines, [
            " gantry · web · REPLAY production 2.1.0 · event 13/72                     carol",
            "┌ Environments ────────┐┌ Pipeline · production 2.1.0 (canary) · running · by… ┐",
            "│ ✓ staging 2.1.0 5/5  ││ ✓ build       docker build                        34s│",
            "│▶● production 2.0.0   ││▶● push        docker push                          0s│",
            "│                      ││ ○ migrate     ./scripts/migrate up                   │",
            "│                      ││ ○ prod-gate   waiting: checklist pre-deploy: 4 of 4 …│",
            "│                      ││ ○ production  deploy production (canary)             │",
            "│                      ││ ○ watch       monitor production for 30m             │",
            "└──────────────────────┘└──────────────────────────────────────────────────────┘",
            "┌ Checklist · pre-deploy · 0/4 ────────┐┌ Metrics · deploy 2.1.0 ──────────────┐",
            "│▶[ ] tests         All test… ⚙ ./scri…││ error-rate  no samples yet  w1% c5%  │",
            "│ [ ] review        Code review approv…││ latency-p95 no samples yet           │",
            "│ [ ] backup        Database… needs a …││ ready       no samples yet  w2 c1    │",
            "│ [ ] rollback-plan Rollback plan docu…││                                      │",
            "└──────────────────────────────────────┘└──────────────────────────────────────┘",
            "┌ Log · push · follow ─────────────────────────────────────────────────────────┐",
            "│ $ docker push 127.0.0.1:5000/shop/web:2.1.0                                  │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            " 08:04:47 · 13/72 · [push] started: docker push 127.0.0.…  ───●────────────────",
            " [ ] step  { } 10 steps  g G first/last  esc back  d redeploy this version",
        ])
    }

    func testReplayAt200x60() throws {
        let lines = render(try replayModel(step: 30), .large).lines
        XCTAssertEqual(Array(lines[0...6]), [
            " gantry · web · REPLAY production 2.1.0 · event 31/72                                                                                                                                             carol",
            "┌ Environments ────────────────────────────────────┐┌ Pipeline · production 2.1.0 (canary) · running · by alice ───────────────────────────────────────────────────────────────────────────────────────┐",
            "│  staging                       ✓ 2.1.0 succeeded ││ ✓ build       docker build                                                                                                                    34s│",
            "│  live 2.1.0 · 5m17s · 5/5 pods                   ││ ✓ push        docker push                                                                                                                     10s│",
            "│  good 2.1.0                                      ││ ✓ migrate     ./scripts/migrate up                                                                                                             4s│",
            "│  lease free                                      ││ ✓ prod-gate   gate: checklist:pre-deploy, approvals:production                                                                                   │",
            "│                                                  ││▶● production  canary 10% · step 1/4  █████▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁                                                                                     13s│",
        ])
        XCTAssertEqual(Array(lines[58...59]), [
            " 08:08:23 · 31/72 · error-rate = 0.002                                                                                                                         ────────────────●───────────────────────",
            " [ ] step  { } 10 steps  g G first/last  esc back  d redeploy this version  tab panel  q quit",
        ])
    }

    func testReplayStepsThroughTheFoldAndStaysReadOnly() throws {
        var model = try replayModel(step: 0)
        let events = canaryEvents()
        let first = try XCTUnwrap(events.firstIndex { $0.deploy == SampleDeploys.production })
        // Every step shows the fold of the log up to that event, forward and back.
        for (key, expected) in [("]", 1), ("]", 2), ("}", 12), ("[", 11), ("{", 1), ("G", 71), ("g", 0)] {
            _ = ConsoleUpdate.handle(.character(Character(key)), model: &model, size: .small)
            let travel = try XCTUnwrap(model.ui.travel)
            XCTAssertEqual(travel.index, expected, key)
            let own = events[first...].filter { $0.deploy == SampleDeploys.production }
            let seq = own[own.index(own.startIndex, offsetBy: expected)].seq
            XCTAssertEqual(travel.state, Reducer.fold(events.filter { $0.seq <= seq }), "step \(expected)")
        }
        for key in ["a", "R", " "] {
            XCTAssertEqual(ConsoleUpdate.handle(.character(Character(key)), model: &model, size: .small), [])
            XCTAssertEqual(model.ui.message, "a replay is read-only: esc returns to the live console")
        }
        _ = ConsoleUpdate.handle(.escape, model: &model, size: .small)
        XCTAssertNil(model.ui.travel)
        XCTAssertEqual(model.ui.view, .history(environment: "production"), "esc returns to the history")
    }

    // MARK: - Palette

    func testPaletteAt80x24CompletesAndRunsThroughTheSameRules() {
        var model = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character(":"), model: &model, size: .small)
        for character in "dep" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        _ = ConsoleUpdate.handle(.tab, model: &model, size: .small)
        let lines = render(model).lines
        XCTAssertEqual(Array(lines[21...23]), [
            " deploy [ENV] VERSION  staging  production  2.1.0  2.0.0",
            " :deploy _",
            " enter run  tab complete  esc cancel",
        ])
        for character in "staging 2.2.0" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small),
                       [.command(.deploy(environment: "staging", version: "2.2.0", policy: SampleDeploys.stagingPolicy, requires: []))])
        XCTAssertEqual(model.selectedEnvironment, "staging")
        // Refusals come from the rulebook, as for keys.
        var busy = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character(":"), model: &busy, size: .small)
        for character in "deploy production 2.2.0" { _ = ConsoleUpdate.handle(.character(character), model: &busy, size: .small) }
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &busy, size: .small), [])
        XCTAssertTrue(busy.ui.message?.hasPrefix("production already has a deploy in progress") == true, busy.ui.message ?? "")
        // Unknown commands name the nearest; themes and ticks go the same way.
        var other = SampleDeploys.model(.gated, actor: "carol")
        func run(_ text: String) -> [ConsoleEffect] {
            _ = ConsoleUpdate.handle(.character(":"), model: &other, size: .small)
            for character in text { _ = ConsoleUpdate.handle(.character(character), model: &other, size: .small) }
            return ConsoleUpdate.handle(.enter, model: &other, size: .small)
        }
        XCTAssertEqual(run("rolback"), [])
        XCTAssertEqual(other.ui.message, "no command 'rolback', did you mean 'rollback'?: deploy, rollback, approve, tick, override, "
                       + "cancel, history, theme, help, quit")
        XCTAssertEqual(run("theme light"), [.setTheme("light")])
        XCTAssertEqual(run("tick rollback-plan wiki/rb"),
                       [.command(.tick(environment: "production", checklist: "pre-deploy", item: "rollback-plan", note: "wiki/rb"))])
        XCTAssertEqual(run("history staging"), [])
        XCTAssertEqual(other.ui.view, .history(environment: "staging"))
    }

    func testPaletteAt200x60() {
        var model = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character(":"), model: &model, size: .large)
        for character in "dep" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .large) }
        _ = ConsoleUpdate.handle(.tab, model: &model, size: .large)
        XCTAssertEqual(Array(render(model, .large).lines[57...59]), [
            " deploy [ENV] VERSION  staging  production  2.1.0  2.0.0",
            " :deploy _",
            " enter run  tab complete  esc cancel",
        ])
    }

    // MARK: - Approval

    /// `a`: what is approved, with Cancel focused, at both sizes.
    func testApprovalDialogAt80x24And200x60() {
        var small = SampleDeploys.model(.gated, actor: "carol")
        _ = ConsoleUpdate.handle(.character("a"), model: &small, size: .small)
        XCTAssertEqual(Array(render(small).lines[6...16]), [
            "│       ┌ Approve 2.1.0 to production ─────────────────────────────────┐       │",
            "│       │                                                              │       │",
            "└───────│  Approve 2.1.0 to production (canary) as carol?              │───────┘",
            "┌ Checkl│  Requested by alice 3m ago.                                  │───────┐",
            "│▶[✓] te│  Checklist: 3/4 done; not yet: rollback-plan.                │1% c5% │",
            "│ [✓] re│  2.1.0 is verified on staging.                               │s      │",
            "│ [✓] ba│  Approvals for production: 1 of 2 (bob).                     │ c1    │",
            "│ [ ] ro│                                                              │       │",
            "└───────│                   [ Cancel ]   [ Approve ]                   │───────┘",
            "┌ Log · │                                                              │───────┐",
            "│ $ ./sc└──────────────────────────────────────────────────────────────┘       │",
        ])
        var large = SampleDeploys.model(.gated, actor: "carol")
        _ = ConsoleUpdate.handle(.character("a"), model: &large, size: .large)
        let lines = render(large, .large).lines[24...34]
        XCTAssertEqual(lines.map { String(Array($0).dropFirst(68).prefix(64)) }, [
            "┌ Approve 2.1.0 to production ─────────────────────────────────┐",
            "│                                                              │",
            "│  Approve 2.1.0 to production (canary) as carol?              │",
            "│  Requested by alice 3m ago.                                  │",
            "│  Checklist: 3/4 done; not yet: rollback-plan.                │",
            "│  2.1.0 is verified on staging.                               │",
            "│  Approvals for production: 1 of 2 (bob).                     │",
            "│                                                              │",
            "│                   [ Cancel ]   [ Approve ]                   │",
            "│                                                              │",
            "└──────────────────────────────────────────────────────────────┘",
        ])
    }

    // MARK: - Cards

    func testEnvironmentCardsAt200x60() {
        let lines = render(SampleDeploys.model(.canary), .large).lines
        XCTAssertEqual(lines[1...17].map { String($0.prefix(52)) }, [
            "┌ Environments ────────────────────────────────────┐",
            "│  staging                       ✓ 2.1.0 succeeded │",
            "│  live 2.1.0 · 7m22s · 5/5 pods                   │",
            "│  good 2.1.0                                      │",
            "│  lease free                                      │",
            "│                                                  │",
            "│                                                  │",
            "│                                                  │",
            "│                                                  │",
            "│▶ production                      ● 2.1.0 running │",
            "│  live 2.0.0 · 9m23s · 5/5 pods                   │",
            "│  good 2.0.0 · rollback → 2.0.0                   │",
            "│  lease free                                      │",
            "│  error-rate  ▁▁▁▂▁▁▂▁▁▁▁▂ 0.4%                   │",
            "│  latency-p95 ▂▂▂▂▂▂▂▂▂▂▂▂ 230 ms                 │",
            "│  ready       ████████████ 5                      │",
            "│                                                  │",
        ])
    }

    func testEnvironmentsCollapseToOneLineAt80x24() {
        let lines = render(SampleDeploys.model(.canary)).lines
        XCTAssertEqual(lines[2...3].map { String($0.prefix(24)) }, ["│ ✓ staging 2.1.0 5/5  │", "│▶● production 2.0.0   │"])
    }

    // MARK: - Notifications

    func testNotificationsStackNewestFirstAndFade() {
        var model = SampleDeploys.model(.canary)
        let now = model.now
        model.ui.notify("older", isError: false, at: now.addingTimeInterval(-6))
        model.ui.notify("refused: read the rules", isError: true, at: now.addingTimeInterval(-5))
        model.ui.notify("newest", isError: false, at: now.addingTimeInterval(-1))
        var lines = render(model).lines
        XCTAssertEqual(Array(lines[19...21]).map { String($0.suffix(30)) },
                       ["inish: 1 of 2 updat · newest │", "   ✗ refused: read the rules │", "──────────────────── · older ┘"])
        let buffer = render(model)
        guard let error = buffer.find("✗ refused"), let older = buffer.find("· older"), let newest = buffer.find("· newest") else {
            return XCTFail("notices missing:\n\(buffer.text)")
        }
        XCTAssertEqual(buffer[error.column, error.row].style, Theme.dark[.statusBad].adding(.reverse), "an error is red")
        XCTAssertEqual(buffer[older.column, older.row].style, Theme.dark[.muted], "older than 4 s: dim")
        XCTAssertEqual(buffer[newest.column, newest.row].style, Theme.dark[.dialog])
        model.now = now.addingTimeInterval(6)
        lines = render(model).lines
        XCTAssertFalse(lines.joined().contains("older"), "gone after 10 s")
        XCTAssertTrue(lines.joined().contains("refused"), "errors stay twice as long")
        // The header always shows the state, never a message.
        XCTAssertEqual(lines[0], render(SampleDeploys.model(.canary)).lines[0])
    }
}
