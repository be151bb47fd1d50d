import Foundation
import GantryConsole
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// The real `gantry` binary in a real terminal (tmux): keys in, screen and store out.
final class ConsoleEndToEndTests: XCTestCase {
    private func session(_ phase: SampleDeploys.Phase?, actor: String = "carol", extra: [String] = [],
                         columns: Int = 100, rows: Int = 30) throws -> TmuxSession {
        let tmux = try TmuxSession(seed: phase)
        try tmux.start(["--store", tmux.store, "--actor", actor] + extra, columns: columns, rows: rows)
        tmux.waitFor(text: "Environments")
        return tmux
    }

    func testTickingAnItemRecordsWhoAndTheNote() throws {
        let tmux = try session(.gated)
        guard let row = tmux.locate("[ ] rollback-plan") else { return XCTFail("no item:\n\(tmux.capture())") }
        try tmux.click(column: row.column + 4, row: row.row)
        tmux.waitFor(text: "▶[ ] rollback-plan")
        try tmux.keys("n")
        tmux.waitFor(text: "Note:")
        try tmux.literal("wiki/rb")
        try tmux.keys("Enter")
        let screen = tmux.waitFor(text: "[✓] rollback-plan")
        XCTAssertTrue(screen.contains("Checklist · pre-deploy · 4/4"), screen)
        let last = try XCTUnwrap(tmux.events().last)
        XCTAssertEqual(last.actor, "carol")
        XCTAssertEqual(last.deploy, SampleDeploys.production)
        XCTAssertEqual(last.payload, .checklistItemTicked(checklist: "pre-deploy", item: "rollback-plan", note: "wiki/rb"))
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
    }

    func testApprovingUpdatesTheBlocker() throws {
        let tmux = try session(.gated)
        tmux.waitFor(text: "waiting for 1 more approval (bob ✓)")
        // `a` shows what is approved; Cancel is the default, so Enter alone approves nothing.
        try tmux.keys("a")
        let dialog = tmux.waitFor(text: "[ Cancel ]   [ Approve ]")
        XCTAssertTrue(dialog.contains("Approve 2.1.0 to production (canary) as carol?"), dialog)
        XCTAssertTrue(dialog.contains("Checklist: 3/4 done; not yet: rollback-plan."), dialog)
        XCTAssertTrue(dialog.contains("Approvals for production: 1 of 2 (bob)."), dialog)
        try tmux.keys("Enter")
        tmux.waitFor("the dialog to close") { !$0.contains("[ Approve ]") }
        XCTAssertEqual(try tmux.events().count, SampleDeploys.events(.gated).count, "Cancel approves nothing")
        try tmux.keys("a")
        tmux.waitFor(text: "[ Approve ]")
        try tmux.keys("Tab", "Enter")
        let screen = tmux.waitFor("the approval to count") { !$0.contains("waiting for 1 more approval") && $0.contains("1 of 4 left") }
        XCTAssertTrue(screen.contains("for production as carol"), screen)
        let last = try XCTUnwrap(tmux.events().last)
        XCTAssertEqual([last.actor, "\(last.payload)"], ["carol", "\(EventPayload.approvalGiven(scope: "production", comment: ""))"])
    }

    func testRollbackThroughTheDialogAndCancelDoingNothing() throws {
        let tmux = try session(.canary)
        let before = try tmux.events().count
        try tmux.keys("R")
        tmux.waitFor(text: "[ Cancel ]   [ Roll back ]")
        try tmux.keys("Enter")
        tmux.waitFor(text: "cancelled")
        try tmux.keys("R")
        tmux.waitFor(text: "[ Roll back ]")
        try tmux.keys("Escape")
        tmux.waitFor("the dialog to close") { !$0.contains("[ Roll back ]") }
        usleep(300_000)
        XCTAssertEqual(try tmux.events().count, before, "Cancel appends nothing")
        try tmux.keys("R")
        tmux.waitFor(text: "[ Roll back ]")
        try tmux.keys("Tab", "Enter")
        tmux.waitFor(text: "rollback of production-2.1.0-1800000600")
        // The message comes at once; the fsynced append follows it off the input loop.
        let last = try XCTUnwrap(try tmux.eventually { try tmux.events().count == before + 1 ? tmux.events().last : nil })
        XCTAssertEqual(last.payload, .rollbackRequested(reason: "requested by carol from the console"))
        XCTAssertEqual(try tmux.events().count, before + 1)
        // The console shows it through the live subscription.
        tmux.waitFor(text: "rollback to 2.0.0 requested by carol (requested by carol from the console): waiting for the execu")
    }

    func testLiveUpdatesFromAnotherProcessAppear() throws {
        let tmux = try session(.canary)
        let started = Date()
        try tmux.append(PendingEvent(time: Date(), actor: "executor", deploy: SampleDeploys.production,
                                     payload: .stageLogged(stage: "production", stream: .stdout, line: "hello from the executor")))
        tmux.waitFor(text: "hello from the executor", timeout: 3)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.0)
    }

    func testResizeAndTooSmall() throws {
        let tmux = try session(.canary, columns: 100, rows: 30)
        try tmux.resize(columns: 70, rows: 20)
        tmux.waitFor("a 70-column layout") { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("┌ Environments") && $0.hasSuffix("┐") && $0.count == 70 }
        }
        try tmux.resize(columns: 50, rows: 12)
        tmux.waitFor(text: "Terminal too small")
        tmux.waitFor(text: "50x12, need 60x16")
        try tmux.resize(columns: 120, rows: 40)
        tmux.waitFor(text: "Log · production · follow")
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
    }

    func testQuitLeavesTheDeployAndTheTerminalIntact() throws {
        let tmux = try session(.canary)
        let before = try tmux.events()
        try tmux.keys("q")
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
        XCTAssertEqual(try tmux.events(), before, "quitting appends nothing: the deploy keeps running")
        XCTAssertEqual(tmux.file("stty.after"), tmux.file("stty.before"))
        tmux.waitFor(text: "DONE")
    }

    func testSIGTERMRestoresTheTerminal() throws {
        let tmux = try session(.rollingBack)
        let pid = try XCTUnwrap(tmux.pid)
        XCTAssertEqual(kill(pid, SIGTERM), 0)
        XCTAssertEqual(tmux.waitForExit(), "EXIT 143")
        let before = try XCTUnwrap(tmux.file("stty.before"))
        XCTAssertFalse(before.isEmpty)
        XCTAssertEqual(tmux.file("stty.after"), before, "stty -g equal before and after")
        let screen = tmux.waitFor(text: "DONE")
        XCTAssertFalse(screen.contains("Environments"), "the alternate screen is gone:\n\(screen)")
    }

    func testCrashSignalRestoresTheTerminalThenDies() throws {
        let tmux = try session(.canary)
        XCTAssertEqual(kill(try XCTUnwrap(tmux.pid), SIGSEGV), 0)
        XCTAssertEqual(tmux.waitForExit(), "EXIT 139", "dies of the signal after restoring")
        XCTAssertEqual(tmux.file("stty.after"), tmux.file("stty.before"))
        let screen = tmux.waitFor(text: "DONE")
        XCTAssertFalse(screen.contains("Environments"), "the alternate screen is gone:\n\(screen)")
        XCTAssertTrue(screen.contains("gantry: the console crashed (SIGSEGV); the terminal is restored and deploys keep running."),
                      "one line, no backtrace:\n\(screen)")
        XCTAssertFalse(screen.lowercased().contains("backtrace"), screen)
    }

    func testSIGHUPAndCtrlCRestoreTheTerminal() throws {
        let hup = try session(.canary)
        XCTAssertEqual(kill(try XCTUnwrap(hup.pid), SIGHUP), 0)
        XCTAssertEqual(hup.waitForExit(), "EXIT 129")
        XCTAssertEqual(hup.file("stty.after"), hup.file("stty.before"))
        let interrupt = try session(.canary)
        try interrupt.keys("C-c")
        XCTAssertEqual(interrupt.waitForExit(), "EXIT 130")
        XCTAssertEqual(interrupt.file("stty.after"), interrupt.file("stty.before"))
    }

    func testReadOnlyRefusesChangesAndHelpListsKeys() throws {
        let tmux = try session(.gated, extra: ["--readonly"])
        tmux.waitFor(text: "READ-ONLY")
        try tmux.keys("a")
        tmux.waitFor(text: "read-only console: 'a' is off")
        try tmux.keys("R")
        usleep(200_000)
        XCTAssertFalse(tmux.capture().contains("[ Roll back ]"))
        try tmux.keys("?")
        let help = tmux.waitFor(text: "read-only: keys that change anything are off")
        XCTAssertTrue(help.contains("quit (deploys keep running)"), help)
        XCTAssertFalse(help.contains("roll back (asks once"), help)
        XCTAssertEqual(try tmux.events().count, SampleDeploys.events(.gated).count)
    }

    func testNoColorAndASCIIWithoutUTF8() throws {
        let tmux = try TmuxSession(seed: .canary)
        try tmux.start(["--store", tmux.store, "--actor", "carol"], environment: ["LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"])
        let screen = tmux.waitFor(text: "Environments")
        XCTAssertTrue(screen.contains("+ Environments"), screen)
        XCTAssertTrue(screen.contains("* production"), screen)
        let colored = tmux.capture(colors: true)
        XCTAssertFalse(colored.contains("\u{1B}[38;5"), "no colours with NO_COLOR")
    }

    func testBrokenThemeFileNamesTheKey() throws {
        let tmux = try TmuxSession(seed: .canary)
        try "ok = green\nselectd = red\n".write(toFile: tmux.directory + "/bad.theme", atomically: true, encoding: .utf8)
        let result = try BuiltBinary.run("gantry", ["--store", tmux.store, "--theme", tmux.directory + "/bad.theme"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("bad.theme:2: key 'selectd': unknown key (did you mean 'selected'?)"), result.stderr)
    }

    func testDeployFromThePipelineFileAsksTheVersionAndProductionsName() throws {
        let tmux = try TmuxSession(seed: nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("examples/canary.yaml").path,
                                         toPath: tmux.directory + "/gantry.yaml")
        try tmux.start(["--store", tmux.store, "--actor", "alice"])
        tmux.waitFor(text: "▶○ staging")
        try tmux.keys("d")
        tmux.waitFor(text: "Version (image tag) to deploy:")
        try tmux.literal("-rf")
        try tmux.keys("Enter")
        tmux.waitFor(text: "a version may not start with '-' or '.'")
        try tmux.keys("BSpace", "BSpace", "BSpace")
        try tmux.literal("2.2.0")
        try tmux.keys("Enter")
        tmux.waitFor(text: "deploy staging-2.2.0-1 requested by alice")
        // The message comes at once ("(recording…)"); the fsynced append follows it off the input loop.
        let request = try XCTUnwrap(try tmux.eventually {
            try tmux.events().last { if case .deployRequested = $0.payload { true } else { false } }
        })
        guard case .deployRequested("staging", "2.2.0", let policy) = request.payload else { return XCTFail("\(request.payload)") }
        XCTAssertFalse(policy.stages.isEmpty)
        XCTAssertEqual(request.actor, "alice")
        try tmux.keys("j", "d")
        tmux.waitFor(text: "Deploy to production")
        try tmux.literal("2.2.0")
        try tmux.keys("Enter")
        tmux.waitFor(text: "Type 'production' to confirm:")
        try tmux.literal("staging")
        try tmux.keys("Enter")
        tmux.waitFor(text: "type 'production' exactly, or esc to cancel")
        try tmux.keys("Escape")
        tmux.waitFor("the prompt to close") { !$0.contains("Type 'production'") }
        XCTAssertEqual(try tmux.events().count, 2, "nothing appended without the typed name (the request and its claim)")
    }

    func testWithoutATerminalItSaysSo() throws {
        let tmux = try TmuxSession(seed: .canary)
        let result = try BuiltBinary.run("gantry", ["--store", tmux.store])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("the console needs a terminal"), result.stderr)
    }
}
