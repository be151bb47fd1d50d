import Foundation
import GantryConsole
import GantryCore
import XCTest

/// Keys → intents, and intents → state changes and effects (the events the console appends).
final class KeyMapTests: XCTestCase {
    func testMainViewKeys() {
        let expected: [(Key, Intent)] = [
            (.up, .moveUp), (.character("k"), .moveUp), (.down, .moveDown), (.character("j"), .moveDown),
            (.pageUp, .pageUp), (.pageDown, .pageDown), (.character("g"), .top), (.character("G"), .bottom),
            (.tab, .nextPanel), (.backTab, .previousPanel), (.enter, .open), (.character(" "), .toggleTick),
            (.character("a"), .approve), (.character("R"), .rollback), (.character("d"), .deploy),
            (.character("/"), .startSearch), (.character("n"), .nextMatch), (.character("N"), .previousMatch),
            (.escape, .clearSearch), (.character("?"), .help), (.character("q"), .quit),
            (.click(column: 3, row: 4), .click(column: 3, row: 4)), (.scrollUp(column: 5, row: 6), .wheel(lines: -3, column: 5, row: 6)),
        ]
        for (key, intent) in expected {
            XCTAssertEqual(KeyMap.intent(for: key, overlay: .none, readOnly: false), intent, "\(key)")
        }
        XCTAssertNil(KeyMap.intent(for: .character("r"), overlay: .none, readOnly: false), "lower-case r does nothing")
        XCTAssertNil(KeyMap.intent(for: .character("x"), overlay: .none, readOnly: false))
    }

    func testReadOnlyRemovesEveryKeyThatChangesAnything() {
        for key in [Key.character(" "), .character("a"), .character("R"), .character("d")] {
            XCTAssertNil(KeyMap.intent(for: key, overlay: .none, readOnly: true), "\(key)")
        }
        XCTAssertEqual(KeyMap.intent(for: .character("q"), overlay: .none, readOnly: true), .quit)
        XCTAssertEqual(KeyMap.intent(for: .character("/"), overlay: .none, readOnly: true), .startSearch)
        var model = SampleDeploys.model(.canary)
        model.readOnly = true
        for key in [Key.character(" "), .character("a"), .character("R"), .character("d")] {
            XCTAssertEqual(ConsoleUpdate.handle(key, model: &model, size: .small), [])
            XCTAssertEqual(model.ui.overlay, .none)
        }
        XCTAssertEqual(model.ui.message, "read-only console: 'd' is off")
    }

    func testOverlayKeys() {
        let prompt = Overlay.prompt(Prompt(purpose: .search, title: "t", label: "l"))
        XCTAssertEqual(KeyMap.intent(for: .character("q"), overlay: prompt, readOnly: false), .type("q"))
        XCTAssertEqual(KeyMap.intent(for: .enter, overlay: prompt, readOnly: false), .submit)
        XCTAssertEqual(KeyMap.intent(for: .escape, overlay: prompt, readOnly: false), .cancel)
        XCTAssertEqual(KeyMap.intent(for: .backspace, overlay: prompt, readOnly: false), .erase)
        let confirm = Overlay.confirm(Confirmation(action: .rollback(deploy: DeployID("d"), environment: "e", target: nil),
                                                   title: "t", lines: [], confirmLabel: "Go"))
        XCTAssertEqual(KeyMap.intent(for: .tab, overlay: confirm, readOnly: false), .switchButton)
        XCTAssertEqual(KeyMap.intent(for: .character("R"), overlay: confirm, readOnly: false), nil, "R twice does not confirm")
        XCTAssertEqual(KeyMap.intent(for: .escape, overlay: confirm, readOnly: false), .cancel)
        XCTAssertEqual(KeyMap.intent(for: .character("?"), overlay: .help, readOnly: false), .cancel)
    }

    // MARK: - Navigation

    func testTabCyclesPanelsAndArrowsMoveSelections() {
        var model = SampleDeploys.model(.canary)
        model.ui.focus = .environments
        _ = ConsoleUpdate.handle(.up, model: &model, size: .small)
        XCTAssertEqual(model.selectedEnvironment, "staging")
        _ = ConsoleUpdate.handle(.character("j"), model: &model, size: .small)
        XCTAssertEqual(model.selectedEnvironment, "production")
        _ = ConsoleUpdate.handle(.down, model: &model, size: .small)
        XCTAssertEqual(model.selectedEnvironment, "production", "stops at the end")
        var order: [Panel] = []
        for _ in 0..<5 {
            _ = ConsoleUpdate.handle(.tab, model: &model, size: .small)
            order.append(model.ui.focus)
        }
        XCTAssertEqual(order, [.pipeline, .checklist, .metrics, .log, .environments])
        _ = ConsoleUpdate.handle(.backTab, model: &model, size: .small)
        XCTAssertEqual(model.ui.focus, .log)
        model.ui.focus = .pipeline
        XCTAssertEqual(model.selectedStageIndex, 4, "follows the running stage")
        _ = ConsoleUpdate.handle(.up, model: &model, size: .small)
        XCTAssertEqual(model.selectedStageIndex, 3)
        _ = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        XCTAssertEqual(model.ui.focus, .log)
        model.ui.stage = nil
        _ = ConsoleUpdate.handle(.up, model: &model, size: .small)
        XCTAssertEqual(model.ui.logScroll, 1)
        _ = ConsoleUpdate.handle(.character("G"), model: &model, size: .small)
        XCTAssertEqual(model.ui.logScroll, 0)
    }

    func testMouseClicksSelectPanelsStagesAndItems() {
        var model = SampleDeploys.model(.canary)
        let layout = model.layout(.small)
        let pipeline = layout.inner(.pipeline)
        _ = ConsoleUpdate.handle(.click(column: pipeline.x + 5, row: pipeline.y + 1), model: &model, size: .small)
        XCTAssertEqual(model.ui.focus, .pipeline)
        XCTAssertEqual(model.selectedStageIndex, 1)
        let checklist = layout.inner(.checklist)
        _ = ConsoleUpdate.handle(.click(column: checklist.x + 3, row: checklist.y + 2), model: &model, size: .small)
        XCTAssertEqual(model.ui.focus, .checklist)
        XCTAssertEqual(model.ui.item, 2)
        let environments = layout.inner(.environments)
        _ = ConsoleUpdate.handle(.click(column: environments.x + 1, row: environments.y), model: &model, size: .small)
        XCTAssertEqual(model.selectedEnvironment, "staging")
        _ = ConsoleUpdate.handle(.click(column: 1, row: 23), model: &model, size: .small)
        XCTAssertEqual(model.ui.focus, .environments, "a click outside panels changes nothing")
    }

    func testSlashFiltersTheLogAsYouTypeWithACounter() {
        var model = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character("/"), model: &model, size: .small)
        for character in "scal" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        XCTAssertEqual(model.ui.search, "scal", "the filter follows every key")
        XCTAssertEqual(LogPanel.visibleLines(model).map(\.text), [
            "$ kubectl --context prod -n web scale deployment/web-canary --replicas=2",
            "deployment.apps/web-canary scaled", "deployment.apps/web-canary scaled"])
        _ = ConsoleUpdate.handle(.character("e"), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.character("d"), model: &model, size: .small)
        XCTAssertEqual(LogPanel.visibleLines(model).count, 2)
        XCTAssertEqual(LogPanel.title(model, lines: LogPanel.lines(model)), "Log · production · follow · /scaled 2/2")
        _ = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        XCTAssertEqual(model.ui.search, "scaled")
        XCTAssertEqual(model.ui.focus, .log)
        XCTAssertEqual(model.ui.overlay, .none)
        _ = ConsoleUpdate.handle(.character("k"), model: &model, size: .small)
        XCTAssertEqual(LogPanel.title(model, lines: LogPanel.lines(model)), "Log · production · scrolled 1 up (G follows) · /scaled 1/2")
        // A new filter starts empty: typing never appends to the old one.
        _ = ConsoleUpdate.handle(.character("/"), model: &model, size: .small)
        XCTAssertEqual(model.ui.search, "")
        _ = ConsoleUpdate.handle(.character("x"), model: &model, size: .small)
        XCTAssertEqual(model.ui.search, "x")
        _ = ConsoleUpdate.handle(.escape, model: &model, size: .small)
        XCTAssertEqual(model.ui.search, "", "esc clears the filter")
        XCTAssertEqual(model.ui.overlay, .none)
    }

    // MARK: - Intents that record commands (through the rulebook)

    /// The wheel over the log scrolls the log; over the environments it changes nothing (the
    /// selection stays where `R` and `d` act).
    func testTheWheelScrollsThePanelUnderThePointerAndNeverTheSelection() {
        var model = SampleDeploys.model(.canary)
        model.ui.focus = .environments
        let layout = model.layout(.small)
        let log = layout.inner(.log), environments = layout.inner(.environments)
        let before = model.ui.environment
        _ = ConsoleUpdate.handle(.scrollUp(column: log.x + 2, row: log.y + 1), model: &model, size: .small)
        XCTAssertEqual(model.ui.logScroll, 3)
        XCTAssertEqual(model.ui.environment, before)
        XCTAssertEqual(model.ui.focus, .environments, "the focus stays")
        _ = ConsoleUpdate.handle(.scrollDown(column: environments.x + 1, row: environments.y), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.scrollUp(column: environments.x + 1, row: environments.y), model: &model, size: .small)
        XCTAssertEqual(model.ui.environment, before, "a wheel over the environments selects nothing")
        XCTAssertEqual(model.ui.logScroll, 3)
    }

    func testAnUnknownKeySaysWhereHelpIs() {
        var model = SampleDeploys.model(.canary)
        XCTAssertEqual(ConsoleUpdate.handle(.character("z"), model: &model, size: .small), [])
        XCTAssertEqual(model.ui.message, "'z' does nothing here: ? for help")
        XCTAssertEqual(model.ui.messageIsError, false)
    }

    /// Space ticks at once (no prompt unless evidence is required) and moves to the next open item.
    func testSpaceTicksAndMovesToTheNextOpenItem() {
        var model = SampleDeploys.model(.gated, actor: "carol")
        model.state = Reducer.fold(SampleDeploys.events(.gated).prefix(while: {
            if case .checklistItemTicked(_, "backup", _) = $0.payload { return false }
            return true
        }).enumerated().map { $0.element.numbered(seq: Int64($0.offset + 1), streamVersion: 0) })
        model.ui.focus = .checklist
        model.ui.item = 3
        XCTAssertEqual(ConsoleUpdate.handle(.character(" "), model: &model, size: .small),
                       [.command(.tick(environment: "production", checklist: "pre-deploy", item: "rollback-plan", note: ""))])
        XCTAssertEqual(model.ui.overlay, .none, "no note prompt")
        XCTAssertEqual(model.ui.message, "ticked pre-deploy/rollback-plan of production-2.1.0-1800000600 as carol (recording…)")
        XCTAssertEqual(model.ui.item, 2, "on to backup, the next item not done (wrapping past the done ones)")
        // backup needs evidence: space opens the prompt for it.
        XCTAssertEqual(ConsoleUpdate.handle(.character(" "), model: &model, size: .small), [])
        guard case .prompt(let prompt) = model.ui.overlay else { return XCTFail("no evidence prompt") }
        XCTAssertEqual(prompt.label, "Evidence (required), e.g. a snapshot id or link:")
    }

    /// `n` in the checklist ticks with a note.
    func testNTicksWithANote() {
        var model = SampleDeploys.model(.gated, actor: "carol")
        model.ui.focus = .checklist
        model.ui.item = 3
        XCTAssertEqual(ConsoleUpdate.handle(.character("n"), model: &model, size: .small), [])
        guard case .prompt(let prompt) = model.ui.overlay else { return XCTFail("no note prompt") }
        XCTAssertEqual(prompt.label, "Note:")
        for character in "wiki/rb" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        let effects = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        XCTAssertEqual(effects, [.command(.tick(environment: "production", checklist: "pre-deploy", item: "rollback-plan",
                                                note: "wiki/rb"))])
        XCTAssertEqual(model.ui.message, "ticked pre-deploy/rollback-plan of production-2.1.0-1800000600 as carol (recording…)")
        XCTAssertEqual(model.ui.overlay, .none)
    }

    func testUntickAutomaticItemsAndRequiredEvidence() {
        var model = SampleDeploys.model(.gated)
        model.ui.focus = .checklist
        model.ui.item = 1
        // Space never unticks (pressed once too often it would undo a tick); it moves on.
        XCTAssertEqual(ConsoleUpdate.handle(.character(" "), model: &model, size: .small), [])
        XCTAssertEqual(model.ui.message, "pre-deploy/review is ticked by bob: u unticks it")
        XCTAssertEqual(model.ui.item, 3, "to the next item not done")
        model.ui.item = 1
        XCTAssertEqual(ConsoleUpdate.handle(.character("u"), model: &model, size: .small),
                       [.command(.untick(environment: "production", checklist: "pre-deploy", item: "review", note: ""))])
        model.ui.item = 0
        XCTAssertEqual(ConsoleUpdate.handle(.character("u"), model: &model, size: .small), [])
        XCTAssertEqual(model.ui.message, "pre-deploy/tests is verified by its command (./scripts/ci-status 2.1.0), not by hand")
        // Evidence required: an empty note is refused, the prompt stays.
        var failed = SampleDeploys.model(.failed)
        failed.state = SampleDeploys.state(.gated)
        failed.state.deploys = SampleDeploys.state(.gated).deploys
        var fresh = SampleDeploys.model(.gated)
        fresh.state = Reducer.fold(SampleDeploys.events(.gated).prefix(while: {
            if case .checklistItemTicked(_, "backup", _) = $0.payload { return false }
            return true
        }).enumerated().map { $0.element.numbered(seq: Int64($0.offset + 1), streamVersion: 0) })
        fresh.ui.focus = .checklist
        fresh.ui.item = 2
        _ = ConsoleUpdate.handle(.character(" "), model: &fresh, size: .small)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &fresh, size: .small), [])
        guard case .prompt(let prompt) = fresh.ui.overlay else { return XCTFail("prompt closed") }
        XCTAssertEqual(prompt.error, "pre-deploy/backup needs evidence (e.g. a snapshot id or a link): give it as the note")
    }

    func testApproveChecksTheRulesFirst() {
        var carol = SampleDeploys.model(.gated, actor: "carol")
        // `a` says what is approved, with Cancel as the default.
        XCTAssertEqual(ConsoleUpdate.handle(.character("a"), model: &carol, size: .small), [])
        guard case .confirm(let dialog) = carol.ui.overlay else { return XCTFail("no approval dialog") }
        XCTAssertEqual(dialog.title, "Approve 2.1.0 to production")
        XCTAssertEqual(dialog.lines, ["Approve 2.1.0 to production (canary) as carol?",
                                      "Requested by alice 3m ago.",
                                      "Checklist: 3/4 done; not yet: rollback-plan.",
                                      "2.1.0 is verified on staging.",
                                      "Approvals for production: 1 of 2 (bob)."])
        XCTAssertFalse(dialog.confirmFocused)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &carol, size: .small), [], "enter on Cancel approves nothing")
        XCTAssertEqual(carol.ui.message, "cancelled")
        _ = ConsoleUpdate.handle(.character("a"), model: &carol, size: .small)
        _ = ConsoleUpdate.handle(.tab, model: &carol, size: .small)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &carol, size: .small),
                       [.command(.approve(environment: "production", comment: ""))])
        XCTAssertEqual(carol.ui.message, "approved production-2.1.0-1800000600 (2.1.0) for production as carol (recording…)")
        XCTAssertEqual(carol.ui.notices.map(\.text), [carol.ui.message, "cancelled"])
        var bob = SampleDeploys.model(.gated, actor: "bob")
        XCTAssertEqual(ConsoleUpdate.handle(.character("a"), model: &bob, size: .small), [])
        XCTAssertTrue(bob.ui.message?.hasPrefix("bob already approved production-2.1.0-1800000600 for production ") == true,
                      bob.ui.message ?? "")
        var alice = SampleDeploys.model(.gated, actor: "alice")
        XCTAssertEqual(ConsoleUpdate.handle(.character("a"), model: &alice, size: .small), [])
        XCTAssertEqual(alice.ui.message, "alice requested production-2.1.0-1800000600; self-approval is off for production: "
                       + "another approver (bob, carol) must approve")
        var mallory = SampleDeploys.model(.gated, actor: "mallory")
        XCTAssertEqual(ConsoleUpdate.handle(.character("a"), model: &mallory, size: .small), [])
        XCTAssertEqual(mallory.ui.message, "mallory may not approve production (approvers: alice, bob, carol)")
        var finished = SampleDeploys.model(.failed, actor: "carol")
        XCTAssertEqual(ConsoleUpdate.handle(.character("a"), model: &finished, size: .small), [])
    }

    func testRollbackAsksOnceWithCancelAsDefault() {
        var model = SampleDeploys.model(.canary, actor: "carol")
        XCTAssertEqual(ConsoleUpdate.handle(.character("R"), model: &model, size: .small), [])
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small), [], "enter on the default (Cancel) does nothing")
        XCTAssertEqual(model.ui.overlay, .none)
        XCTAssertEqual(model.ui.message, "cancelled")
        _ = ConsoleUpdate.handle(.character("R"), model: &model, size: .small)
        XCTAssertEqual(ConsoleUpdate.handle(.escape, model: &model, size: .small), [])
        _ = ConsoleUpdate.handle(.character("R"), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.tab, model: &model, size: .small)
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small),
                       [.command(.rollback(environment: "production", reason: "requested by carol from the console"))])
        var rolling = SampleDeploys.model(.rollingBack)
        XCTAssertEqual(ConsoleUpdate.handle(.character("R"), model: &rolling, size: .small), [])
        XCTAssertEqual(rolling.ui.overlay, .none)
        XCTAssertTrue(rolling.ui.message?.hasPrefix("production-2.1.0-1800000600 is already being rolled back (asked by ") == true,
                      rolling.ui.message ?? "")
    }

    func testDeployAsksVersionValidatesItAndProductionAsksForItsName() {
        var model = SampleDeploys.model(.failed, actor: "alice")
        model.ui.environment = 0
        _ = ConsoleUpdate.handle(.character("d"), model: &model, size: .small)
        for character in "2.2.0" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        let staging = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        XCTAssertEqual(staging, [.command(.deploy(environment: "staging", version: "2.2.0", policy: SampleDeploys.stagingPolicy,
                                                  requires: []))])
        XCTAssertTrue(model.ui.message?.hasPrefix("deploy staging-2.2.0-") == true, model.ui.message ?? "")
        model.ui.environment = 1
        _ = ConsoleUpdate.handle(.character("d"), model: &model, size: .small)
        // The dialog offers the version verified on staging first; tab completes it.
        guard case .prompt(let offered) = model.ui.overlay else { return XCTFail("no version prompt") }
        XCTAssertEqual(offered.suggestions, ["2.1.0", "2.0.0"])
        XCTAssertEqual(offered.hint, "2.1.0: verified on staging (tab)")
        _ = ConsoleUpdate.handle(.tab, model: &model, size: .small)
        guard case .prompt(let completed) = model.ui.overlay else { return XCTFail("prompt closed") }
        XCTAssertEqual(completed.text, "2.1.0")
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small), [])
        guard case .prompt(let confirm) = model.ui.overlay else { return XCTFail("no confirmation") }
        XCTAssertEqual(confirm.label, "Type 'production' to confirm:")
        for character in "prod" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        XCTAssertEqual(ConsoleUpdate.handle(.enter, model: &model, size: .small), [])
        for character in "uction" { _ = ConsoleUpdate.handle(.character(character), model: &model, size: .small) }
        let effects = ConsoleUpdate.handle(.enter, model: &model, size: .small)
        XCTAssertEqual(effects.count, 1)
        guard case .command(.deploy(let environment, let version, _, _)) = effects.first else {
            return XCTFail("no deploy request")
        }
        XCTAssertEqual([environment, version], ["production", "2.1.0"])
        // A deploy in progress blocks another.
        var busy = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character("d"), model: &busy, size: .small)
        XCTAssertTrue(busy.ui.message?.hasPrefix("production already has a deploy in progress: production-2.1.0-1800000600 (2.1.0, ")
                      == true, busy.ui.message ?? "")
    }

    func testPromptRefusesControlCharacters() {
        var model = SampleDeploys.model(.canary)
        _ = ConsoleUpdate.handle(.character("/"), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.character("\u{1B}"), model: &model, size: .small)
        _ = ConsoleUpdate.handle(.character("x"), model: &model, size: .small)
        guard case .prompt(let prompt) = model.ui.overlay else { return XCTFail("no prompt") }
        XCTAssertEqual(prompt.text, "x")
    }

    func testQuitAndHelp() {
        var model = SampleDeploys.model(.canary)
        XCTAssertEqual(ConsoleUpdate.handle(.character("?"), model: &model, size: .small), [])
        XCTAssertEqual(model.ui.overlay, .help)
        XCTAssertEqual(ConsoleUpdate.handle(.character("q"), model: &model, size: .small), [], "q closes help first")
        XCTAssertEqual(ConsoleUpdate.handle(.character("q"), model: &model, size: .small), [.quit])
    }
}
