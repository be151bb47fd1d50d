import Foundation
import GantryConsole
import GantryCore
import XCTest

/// Whole screens of every phase and panel at 80x24, 120x40 and 200x60, as text, plus the
/// attributes that carry meaning (selection, failure, search hits, dialog focus).
final class ScreenTests: XCTestCase {
    private func render(_ model: ConsoleModel, _ size: TerminalSize = .small, theme: Theme = .dark) -> CellBuffer {
        ConsoleScreen.render(model, theme: theme, size: size)
    }

    private func line(_ buffer: CellBuffer, containing text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let found = buffer.lines.first(where: { $0.contains(text) }) else {
            XCTFail("no line contains '\(text)':\n\(buffer.text)", file: file, line: line)
            return ""
        }
        return found
    }

    // MARK: - Every phase, every size (snapshots)

    func testEveryPhaseAtEverySize() {
        for phase in SampleDeploys.Phase.allCases {
            for size in TerminalSize.all {
                Snapshot.assert(render(SampleDeploys.model(phase), size), named: "\(phase.rawValue)-\(size.columns)x\(size.rows)")
            }
        }
    }

    func testEachPanelFocusedAt80x24() {
        for panel in Panel.allCases {
            var model = SampleDeploys.model(.canary)
            model.ui.focus = panel
            let buffer = render(model)
            Snapshot.assert(buffer, named: "canary-focus-\(panel)")
            guard let rect = model.layout(.small).panels[panel] else { return XCTFail("no rect for \(panel)") }
            XCTAssertEqual(buffer[rect.x, rect.y].style, Theme.dark[.borderFocused], "\(panel) border shows focus")
        }
    }

    // MARK: - Exact text of panels at 80x24

    /// Events missing from the log are said first on the status line, in red, whatever the deploy does.
    func testLogDamageLeadsTheStatusLineInRed() {
        var model = SampleDeploys.model(.gated)
        model.logDamage = "LOG DAMAGED: events 8–12 missing, restore events.sqlite from a backup"
        let buffer = render(model)
        XCTAssertEqual(buffer.lines[22], " LOG DAMAGED: events 8–12 missing, restore events.sqlite from a backup · waiti…")
        XCTAssertEqual(buffer[1, 22].style, Theme.dark[.statusBad])
    }

    func testGatedDeployAt80x24() {
        let buffer = render(SampleDeploys.model(.gated))
        XCTAssertEqual(Array(buffer.lines[0...8]), [
            " gantry · web · production ● 2.1.0 running                                carol",
            "┌ Environments ────────┐┌ Pipeline · production 2.1.0 (canary) · running · by… ┐",
            "│ ✓ staging 2.1.0 5/5  ││ ✓ build       docker build                        34s│",
            "│▶● production 2.0.0   ││ ✓ push        docker push                         10s│",
            "│                      ││▶✓ migrate     ./scripts/migrate up                 4s│",
            "│                      ││ ◌ prod-gate   waiting: checklist pre-deploy: 1 of 4 …│",
            "│                      ││ ○ production  deploy production (canary)             │",
            "│                      ││ ○ watch       monitor production for 30m             │",
            "└──────────────────────┘└──────────────────────────────────────────────────────┘",
        ])
        XCTAssertEqual(buffer.lines[22], " waiting for 1 more approval (bob ✓); checklist pre-deploy: 1 of 4 left (rollb…")
        // The most useful keys first: the filter stays when the bar is narrow.
        XCTAssertEqual(buffer.lines[23], " q quit  ? help  a approve  R rollback  d deploy  / filter  : command")
    }

    func testStatusLineSaysWhatTheDeployWaitsFor() {
        XCTAssertEqual(StatusText.blocker(SampleDeploys.model(.gated)).text,
                       "waiting for 1 more approval (bob ✓); checklist pre-deploy: 1 of 4 left (rollback-plan) (prod-gate)")
        XCTAssertEqual(StatusText.blocker(SampleDeploys.model(.canary)).text, "running production: canary 25% · step 2/4")
        XCTAssertEqual(StatusText.blocker(SampleDeploys.model(.rollingBack)).text,
                       "error-rate 7.2% > critical 5%: rolling back to 2.0.0 (kubectl scale deployment/web-canary --replicas=0)")
        XCTAssertEqual(StatusText.blocker(SampleDeploys.model(.failed)).text,
                       "migrate failed: 3 pods CrashLoopBackOff: last log 'panic: missing DB_URL'")
        XCTAssertEqual(StatusText.rollback(SampleDeploys.model(.canary)), "rollback → 2.0.0 (scale the canary to 0)")
        XCTAssertEqual(StatusText.blocker(SampleDeploys.model(.rollingBack)).role, .statusBad)
    }

    func testStatusLineWithoutDeploys() {
        var model = ConsoleModel(state: GantryState(), pipelineEnvironments: ["staging"], actor: "alice")
        XCTAssertEqual(StatusText.blocker(model).text, "no deploys to staging yet: press d to deploy")
        model.readOnly = true
        XCTAssertEqual(StatusText.blocker(model).text, "no deploys to staging yet")
        XCTAssertEqual(render(model).lines[2], "│▶○ staging -          ││ no deploy yet                                        │")
    }

    func testCanaryProgressMetricsAndLogAt120x40() {
        let buffer = render(SampleDeploys.model(.canary), .medium)
        XCTAssertEqual(line(buffer, containing: "▶● production"),
                       "│                                    ││▶● production  canary 25% · step 2/4  ██████████▁▁▁▁▁▁▁▁▁▁                 2m18s│")
        // Scaled to include the critical level (5%): the samples sit low, with the thresholds beside, in %.
        XCTAssertTrue(line(buffer, containing: "▶ production").hasSuffix("││ error-rate  ▁▁▂▁▁▁▂▁▁▁▁ 0.3%  w1% c5% │"))
        XCTAssertTrue(line(buffer, containing: "latency-p95 ▂").hasSuffix("││ latency-p95 ▂▂▂▂▂▂▂▂▂▂▂▂ 240 ms       │"))
        XCTAssertEqual(line(buffer, containing: "$ kubectl"),
                       "│  ready       ████████████ 5        ││ $ kubectl --context prod -n web scale deployment/web-canary --replicas=2       │")
        XCTAssertTrue(line(render(SampleDeploys.model(.canary), .large), containing: "[✓] backup").contains("dave 08:06 “snapshot db-0042”"))
    }

    func testFailedStageIsCriticalAndShowsItsLog() {
        let buffer = render(SampleDeploys.model(.failed))
        let row = line(buffer, containing: "✗ migrate")
        XCTAssertEqual(row, "│                      ││▶✗ migrate     failed: 3 pods CrashLoopBackOff     35s│")
        guard let at = buffer.find("failed: 3 pods") else { return XCTFail("no failure text") }
        XCTAssertEqual(buffer[at.column, at.row].style, Theme.dark[.critical])
        XCTAssertEqual(line(buffer, containing: "panic"), "│ panic: missing DB_URL                                                        │")
        XCTAssertEqual(buffer[2, buffer.find("panic")!.row].style, Theme.dark[.warn], "stderr is marked")
    }

    func testRollingBackShowsCriticalSparkline() {
        let buffer = render(SampleDeploys.model(.rollingBack), .medium)
        XCTAssertTrue(line(buffer, containing: "▶ production").contains("▁▁▁▁▁▁▁▁▁▂▄█ 7.2% CRIT>5%"))
        // At 200x60 the chart is two rows tall, with the thresholds as dotted lines.
        let large = render(SampleDeploys.model(.rollingBack), .large)
        XCTAssertTrue(line(large, containing: "│ error-rate  ▁").contains("▁▁▁▁▁▁▁▁▁▁▁▁▂██┄┄┄┄┄┄┄┄┄ 7.2%  critical > 5%"))
        guard let at = buffer.find("█ 7.2%") else { return XCTFail("no sparkline") }
        XCTAssertEqual(buffer[at.column, at.row].style, Theme.dark[.critical])
        XCTAssertEqual(buffer[at.column - 11, at.row].style, Theme.dark[.ok])
        // At 80 columns the band is abbreviated so the sparkline still fits.
        XCTAssertTrue(line(render(SampleDeploys.model(.rollingBack)), containing: "error-rate  ▁").contains("7.2% CRIT>5%"))
    }

    func testMetricThresholdsShowFromTheStartOfADeploy() {
        // At the gate nothing is sampled yet: the policy's thresholds are already there.
        var model = SampleDeploys.model(.gated)
        model.live = LiveSamples()
        let gated = render(model, .medium)
        XCTAssertTrue(line(gated, containing: "▶ production").hasSuffix("││ error-rate  no samples yet  w1% c5%   │"))
        XCTAssertTrue(line(gated, containing: "│  good 2.0.0").hasSuffix("││ ready       no samples yet  w2 c1     │"))
        guard let note = gated.find("w1% c5%") else { return XCTFail("no thresholds") }
        XCTAssertEqual(gated[note.column, note.row].style, Theme.dark[.muted])
        XCTAssertEqual(gated[note.column - 3, note.row].style, Theme.dark[.muted], "no sample yet: not a warning")
        // A value past the warn threshold is coloured warn before (or without) any crossing event.
        let rolling = render(SampleDeploys.model(.rollingBack), .medium)
        XCTAssertTrue(line(rolling, containing: "latency-p95 ▂").contains("▂▂▂▂▂▃▄▅ 1.1 s  w1 s c2 s"))
        guard let value = rolling.find("1.1 s  w1") else { return XCTFail("no latency value") }
        XCTAssertEqual(rolling[value.column, value.row].style, Theme.dark[.warn])
        XCTAssertEqual(rolling[value.column - 2, value.row].style, Theme.dark[.warn], "the last bar is past warn")
        XCTAssertEqual(rolling[value.column - 4, value.row].style, Theme.dark[.ok])
    }

    func testLowerIsWorseMetricsUseTheirThresholdsTheOtherWay() {
        var model = SampleDeploys.model(.canary)
        let id = SampleDeploys.production
        let time = model.now
        for value in [1.0, 2.0] { model.state.deploys[id]?.metrics["ready"]?.append(MetricSeries.Sample(time: time, value: value)) }
        model.state.deploys[id]?.metrics["ready"]?.level = .critical
        model.state.deploys[id]?.metrics["ready"]?.crossedThreshold = 1
        let buffer = render(model, .medium)
        XCTAssertTrue(line(buffer, containing: "ready       ▅").contains("▅▅▅▇▇▇▇████▂▄ 2 CRIT<1"))
        guard let value = buffer.find("2 CRIT<1") else { return XCTFail("no ready value") }
        XCTAssertEqual(buffer[value.column, value.row].style, Theme.dark[.critical])
        XCTAssertEqual(buffer[value.column - 2, value.row].style, Theme.dark[.warn], "2 replicas is at the warn level")
        XCTAssertEqual(buffer[value.column - 3, value.row].style, Theme.dark[.critical], "1 replica is at the critical level")
        XCTAssertEqual(buffer[value.column - 4, value.row].style, Theme.dark[.ok])
    }

    func testSelectionUsesTheSelectedStyleOnlyInTheFocusedPanel() {
        var model = SampleDeploys.model(.canary)
        model.ui.focus = .checklist
        model.ui.item = 2
        let buffer = render(model)
        guard let at = buffer.find("[✓] backup") else { return XCTFail("no backup row") }
        XCTAssertEqual(buffer[at.column, at.row].style, Theme.dark[.selected])
        XCTAssertEqual(buffer[at.column - 1, at.row].text, "▶")
        guard let env = buffer.find("▶● production") else { return XCTFail("no env row") }
        XCTAssertNotEqual(buffer[env.column, env.row].style, Theme.dark[.selected])
    }

    // MARK: - Log: follow, scroll, search

    func testLogFollowsScrollsAndHighlightsSearch() {
        var model = SampleDeploys.model(.canary)
        model.ui.search = "SCALED"
        var buffer = render(model)
        XCTAssertTrue(buffer.text.contains("Log · production · follow · /SCALED 2/2"))
        guard let hit = buffer.find("scaled") else { return XCTFail("no match on screen") }
        XCTAssertEqual(buffer[hit.column, hit.row].style, Theme.dark[.searchHit])
        XCTAssertEqual(buffer[hit.column + 5, hit.row].style, Theme.dark[.searchHit])
        XCTAssertEqual(buffer[hit.column + 6, hit.row].style, Theme.dark[.text])
        XCTAssertFalse(buffer.text.contains("successfully rolled out"), "the filter shows matching lines only")
        model.ui.search = ""
        model.ui.logScroll = 2
        buffer = render(model)
        XCTAssertTrue(buffer.text.contains("Log · production · scrolled 2 up (G follows)"))
        XCTAssertFalse(buffer.text.contains("successfully rolled out"))
    }

    func testHostileLogLinesAreInert() {
        var state = SampleDeploys.state(.canary)
        let event = Event(seq: state.lastSeq + 1, streamVersion: 0, time: SampleDeploys.t0, actor: "executor",
                          deploy: SampleDeploys.production,
                          payload: .stageLogged(stage: "production", stream: .stdout, line: "\u{1B}]0;pwned\u{07}\u{1B}[2Jgone 日本"))
        Reducer.reduce(into: &state, event)
        var model = SampleDeploys.model(.canary)
        model.state = state
        let buffer = render(model)
        XCTAssertTrue(buffer.text.contains("│ �]0;pwned��[2Jgone 日本"))
        XCTAssertFalse(buffer.cells.contains { $0.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 } })
    }

    // MARK: - Overlays

    func testHelpOverlayListsEveryKey() {
        var model = SampleDeploys.model(.canary)
        model.ui.overlay = .help
        let buffer = render(model, .medium)
        Snapshot.assert(buffer, named: "help-120x40")
        for binding in KeyMap.bindings { XCTAssertTrue(buffer.text.contains(binding.action), binding.action) }
        model.readOnly = true
        let readOnly = render(model, .medium)
        XCTAssertFalse(readOnly.text.contains("roll back (asks once"))
        XCTAssertTrue(readOnly.text.contains("read-only: keys that change anything are off"))
    }

    func testRollbackDialogFocusesCancel() {
        var model = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character("R"), model: &model, size: .small)
        let buffer = render(model)
        Snapshot.assert(buffer, named: "rollback-dialog-80x24")
        XCTAssertTrue(buffer.text.contains("Roll back production from 2.1.0 to 2.0.0?"))
        guard let cancel = buffer.find("[ Cancel ]"), let confirm = buffer.find("[ Roll back ]") else { return XCTFail("no buttons") }
        XCTAssertEqual(buffer[cancel.column, cancel.row].style, Theme.dark[.dialogButtonFocused])
        XCTAssertEqual(buffer[confirm.column, confirm.row].style, Theme.dark[.dialogButton])
    }

    func testPromptShowsInputAndError() {
        var model = SampleDeploys.model(.canary)
        model.ui.environment = 0
        _ = ConsoleUpdate.handle(.character("d"), model: &model, size: .small)
        for character in "-bad" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        _ = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        let buffer = render(model)
        Snapshot.assert(buffer, named: "deploy-prompt-error-80x24")
        XCTAssertTrue(buffer.text.contains("-bad_"))
        XCTAssertTrue(buffer.text.contains("a version may not start with '-' or '.'"))
    }

    func testTooSmall() {
        let buffer = render(SampleDeploys.model(.canary), TerminalSize(columns: 50, rows: 12))
        XCTAssertEqual(buffer.lines, ["", "", "", "", "                Terminal too small",
                                      "                50x12, need 60x16", "                     q quits", "", "", "", "", ""])
        XCTAssertEqual(render(SampleDeploys.model(.canary), TerminalSize(columns: 0, rows: 0)).cells.count, 0)
        // Every size from tiny to large renders without trapping.
        for columns in stride(from: 1, through: 210, by: 13) {
            for rows in stride(from: 1, through: 64, by: 7) {
                _ = render(SampleDeploys.model(.rollingBack), TerminalSize(columns: columns, rows: rows))
            }
        }
    }

    func testASCIIGlyphsForNonUTF8Terminals() {
        var model = SampleDeploys.model(.canary)
        model.glyphs = .ascii
        let buffer = render(model)
        Snapshot.assert(buffer, named: "canary-ascii-80x24")
        XCTAssertTrue(buffer.cells.allSatisfy { $0.text.allSatisfy(\.isASCII) })
    }

    func testReadOnlyKeyBar() {
        var model = SampleDeploys.model(.canary)
        model.readOnly = true
        let buffer = render(model)
        XCTAssertEqual(buffer.lines[23], " q quit  ? help  / filter  : command  H history  tab panel  j/k move")
        XCTAssertTrue(buffer.lines[0].hasSuffix("carol · READ-ONLY"))
    }

    func testThemesAndNoColorRender() {
        for theme in [Theme.light, .highContrast, .monochrome, Theme.dark.withoutColor(), Theme.dark.basicColors()] {
            let buffer = render(SampleDeploys.model(.rollingBack), .small, theme: theme)
            XCTAssertEqual(buffer.text, render(SampleDeploys.model(.rollingBack)).text, "\(theme.name): same text")
        }
        let mono = render(SampleDeploys.model(.rollingBack), .small, theme: Theme.dark.withoutColor())
        XCTAssertTrue(mono.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        guard let at = mono.find("error-rate 7.2%") else { return XCTFail("no status") }
        XCTAssertTrue(mono[at.column, at.row].style.attributes.contains(.bold), "status still stands out without colour")
    }
}
