import Foundation
import GantryConsole
import XCTest

/// The screens of the README's screenshots, captured from the real binary in tmux (with colours).
/// `scripts/screenshots.sh` sets GANTRY_SCREENSHOTS_DIR to keep the captures and renders them to PNG.
final class ScreenshotTests: XCTestCase {
    private func shoot(_ name: String, _ phase: SampleDeploys.Phase, theme: String = "dark", keys: [String] = [],
                       expect: String, quit: [String] = ["q"]) throws {
        let tmux = try TmuxSession(seed: phase)
        try tmux.start(["--store", tmux.store, "--actor", "carol", "--theme", theme], columns: 120, rows: 34)
        tmux.waitFor(text: "Environments")
        for key in keys { try tmux.keys(key) }
        tmux.waitFor(text: expect)
        usleep(150_000)
        let colored = tmux.capture(colors: true)
        XCTAssertTrue(colored.contains("\u{1B}["), "the capture has colours")
        if let directory = ProcessInfo.processInfo.environment["GANTRY_SCREENSHOTS_DIR"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try colored.write(toFile: directory + "/\(name).\(theme).ansi", atomically: true, encoding: .utf8)
        }
        for key in quit { try tmux.run(["send-keys", key]) }
        XCTAssertEqual(tmux.waitForExit(), "EXIT 0")
    }

    func testMainViewMidCanary() throws {
        try shoot("main-canary", .canary, expect: "running production: canary 25% · step 2/4")
    }

    func testRollbackInProgress() throws {
        try shoot("rollback", .rollingBack, expect: "error-rate 7.2% > critical 5%: rolling back to 2.0.0")
    }

    func testChecklistWithTicks() throws {
        try shoot("checklist", .gated, keys: ["Tab", "Tab", "j", "j"], expect: "▶[✓] backup")
    }

    func testHelpOverlay() throws {
        try shoot("help", .canary, keys: ["?"], expect: "quit (deploys keep running)", quit: ["q", "q"])
    }

    func testLightTheme() throws {
        try shoot("main-canary", .canary, theme: "light", expect: "running production: canary 25% · step 2/4")
    }
}
