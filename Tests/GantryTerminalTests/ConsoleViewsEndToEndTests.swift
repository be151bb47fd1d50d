import Foundation
import GantryConsole
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// The real binary in tmux: the live cards between deploys, the history and its replay, fast
/// ticking, the command palette, the wheel over the log, and stopping on SIGQUIT.
final class ConsoleViewsEndToEndTests: XCTestCase {
    private func session(_ phase: SampleDeploys.Phase?, actor: String = "carol", columns: Int = 100,
                         rows: Int = 30) throws -> TmuxSession {
        let tmux = try TmuxSession(seed: phase)
        try tmux.start(["--store", tmux.store, "--actor", actor], columns: columns, rows: rows)
        tmux.waitFor(text: "Environments")
        return tmux
    }

    private func line(_ screen: String, containing text: String) -> String {
        screen.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
    }

    /// `gantry demo` before any deploy: every environment's card reads its live version and pods,
    /// and its sparklines move (the agent samples each second into the sample file).
    func testIdleDemoShowsLiveCardsWhoseSparklinesMove() throws {
        let tmux = try TmuxSession(seed: nil)
        try tmux.start(["demo"], columns: 120, rows: 40)
        let first = tmux.waitFor("both cards with samples", timeout: 30) { screen in
            screen.contains("live 1.0.0") && screen.components(separatedBy: "latency-p95 ▁").count >= 2
                || screen.components(separatedBy: " ms ").count >= 3
        }
        XCTAssertTrue(first.contains("Metrics · live staging"), first)
        XCTAssertTrue(first.contains("3/3 pods") || first.contains("/3 pods"), first)
        XCTAssertTrue(first.contains("/5 pods"), first)
        XCTAssertTrue(first.contains("Gantry's demo"), "the demo explains itself:\n\(first)")
        let card = line(first, containing: "│  latency-p95")
        // Three seconds later the same row has more bars or another value: nothing is deployed,
        // the picture still moves.
        tmux.waitFor("the card's sparkline to move", timeout: 10) { screen in
            let now = self.line(screen, containing: "│  latency-p95")
            return !now.isEmpty && now != card
        }
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(timeout: 15), "EXIT 0")
    }

    /// H lists production's deploys; enter replays one, [ ] and { } step through its events with
    /// every panel as of that event; esc goes back.
    func testHistoryAndReplay() throws {
        let tmux = try session(.rollingBack, columns: 120, rows: 40)
        try tmux.keys("H")
        let history = tmux.waitFor(text: "History · production · 2 deploys")
        XCTAssertTrue(history.contains("rolling back automatically"), history)
        XCTAssertTrue(history.contains("error-rate 7.2% > critical 5%"), history)
        try tmux.keys("Enter")
        var screen = tmux.waitFor(text: "REPLAY production 2.1.0 · event 1/")
        XCTAssertTrue(screen.contains("deploy of 2.1.0 to production requested"), screen)
        try tmux.keys("]", "]", "]")
        screen = tmux.waitFor(text: "event 4/")
        XCTAssertTrue(line(screen, containing: "build").contains("● build"), "the build runs at event 4:\n\(screen)")
        try tmux.keys("}")
        screen = tmux.waitFor(text: "event 14/")
        XCTAssertTrue(line(screen, containing: " build ").contains("✓ build"), screen)
        try tmux.keys("[")
        tmux.waitFor(text: "event 13/")
        try tmux.keys("R")
        tmux.waitFor(text: "a replay is read-only")
        try tmux.keys("Escape")
        tmux.waitFor(text: "History · production")
        try tmux.keys("Escape")
        tmux.waitFor(text: "rolling back to 2.0.0")
        XCTAssertEqual(try tmux.events().count, SampleDeploys.events(.rollingBack).count, "a replay appends nothing")
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
    }

    /// `gantry replay DEPLOY` opens the same view, read-only, from the command line.
    func testReplayCommand() throws {
        let tmux = try TmuxSession(seed: .canary)
        try tmux.start(["replay", "production-2.1", "--store", tmux.store], columns: 100, rows: 30)
        let screen = tmux.waitFor(text: "REPLAY production 2.1.0 · event 1/")
        XCTAssertTrue(screen.contains("READ-ONLY"), screen)
        try tmux.keys("G")
        tmux.waitFor(text: "deployment \"web-canary\" successfully rolled out")
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
    }

    /// Space ticks and moves on; a prompt opens only for the item that needs evidence.
    func testTickAndNext() throws {
        let tmux = try TmuxSession(seed: .gated)
        for item in ["review", "backup"] {
            try tmux.append(PendingEvent(time: Date(), actor: "bob", deploy: SampleDeploys.production,
                                         payload: .checklistItemUnticked(checklist: "pre-deploy", item: item, note: "redo")))
        }
        try tmux.start(["--store", tmux.store, "--actor", "carol"], columns: 100, rows: 30)
        tmux.waitFor(text: "Checklist · pre-deploy · 1/4")
        let before = try tmux.events().count
        try tmux.keys("Tab", "Tab", "j")
        tmux.waitFor(text: "▶[ ] review")
        try tmux.keys("Space")
        tmux.waitFor(text: "▶[ ] backup")
        try tmux.keys("Space")
        tmux.waitFor(text: "Evidence (required)")
        try tmux.literal("snap-7")
        try tmux.keys("Enter")
        tmux.waitFor(text: "▶[ ] rollback-plan")
        try tmux.keys("Space")
        tmux.waitFor(text: "Checklist · pre-deploy · 4/4")
        let ticks = try XCTUnwrap(try tmux.eventually { try tmux.events().count == before + 3 ? tmux.events().suffix(3) : nil })
        XCTAssertEqual(ticks.map(\.payload), [
            .checklistItemTicked(checklist: "pre-deploy", item: "review", note: ""),
            .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snap-7"),
            .checklistItemTicked(checklist: "pre-deploy", item: "rollback-plan", note: ""),
        ])
        XCTAssertEqual(Set(ticks.map(\.actor)), ["carol"])
    }

    /// `:deploy staging 2.2.0` requests the deploy through the same rules as `d`; tab completes.
    func testPaletteDeploy() throws {
        let tmux = try TmuxSession(seed: nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("examples/canary.yaml").path,
                                         toPath: tmux.directory + "/gantry.yaml")
        try tmux.start(["--store", tmux.store, "--actor", "alice"])
        tmux.waitFor(text: "▶○ staging")
        try tmux.keys(":")
        tmux.waitFor(text: "commands:")
        try tmux.literal("dep")
        try tmux.keys("Tab")
        tmux.waitFor(text: ":deploy _")
        tmux.waitFor(text: "deploy [ENV] VERSION")
        try tmux.literal("sta")
        try tmux.keys("Tab")
        tmux.waitFor(text: ":deploy staging _")
        try tmux.literal("2.2.0")
        try tmux.keys("Enter")
        let request = try XCTUnwrap(try tmux.eventually {
            try tmux.events().last { if case .deployRequested = $0.payload { true } else { false } }
        })
        guard case .deployRequested("staging", "2.2.0", _) = request.payload else { return XCTFail("\(request.payload)") }
        XCTAssertEqual(request.actor, "alice")
        try tmux.keys(":")
        try tmux.literal("rolback")
        try tmux.keys("Enter")
        tmux.waitFor(text: "no command 'rolback', did you mean 'rollback'?")
    }

    /// The wheel over the log scrolls the log and never the selection; over another panel it
    /// does nothing.
    func testWheelScrollsTheLogUnderThePointerOnly() throws {
        let tmux = try session(.canary, columns: 100, rows: 30)
        guard let log = tmux.locate("┌ Log") else { return XCTFail("no log:\n\(tmux.capture())") }
        guard let environments = tmux.locate("▶● production") else { return XCTFail("no selection:\n\(tmux.capture())") }
        try tmux.wheel(up: true, column: 10, row: log.row + 3)
        tmux.waitFor(text: "scrolled 3 up (G follows)")
        try tmux.wheel(up: true, column: environments.column + 4, row: environments.row)
        try tmux.wheel(up: false, column: environments.column + 4, row: environments.row)
        usleep(300_000)
        let screen = tmux.capture()
        XCTAssertTrue(screen.contains("▶● production"), "the selection stays:\n\(screen)")
        XCTAssertTrue(screen.contains("scrolled 3 up"), screen)
        try tmux.wheel(up: false, column: 10, row: log.row + 3)
        tmux.waitFor(text: "Log · production · follow")
    }

    /// Ctrl-\ (SIGQUIT) stops the console like Ctrl-C: the terminal back, one line, no backtrace.
    func testSIGQUITRestoresTheTerminalWithOneLine() throws {
        let tmux = try session(.canary)
        XCTAssertEqual(kill(try XCTUnwrap(tmux.pid), SIGQUIT), 0)
        XCTAssertEqual(tmux.waitForExit(), "EXIT 131")
        XCTAssertEqual(tmux.file("stty.after"), tmux.file("stty.before"))
        let screen = tmux.waitFor(text: "DONE")
        XCTAssertTrue(screen.contains("gantry: console stopped by SIGQUIT; deploys keep running"), screen)
        XCTAssertFalse(screen.lowercased().contains("backtrace"), screen)
        XCTAssertFalse(screen.contains("Environments"), screen)
    }
}
