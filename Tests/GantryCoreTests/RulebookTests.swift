import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// The rulebook as a table: given these events, when this command by this actor, then exactly
/// these events (with the stream versions they expect), or exactly this refusal.
final class RulebookTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_800_000_600)
    private let production = DeployID("production-2.1.0-1")

    /// build → staging (deployed on the way) → gate (checklist + 2 approvals) → production.
    private let policy = DeployPolicy(
        strategy: "canary",
        stages: [
            StagePlan(id: "build", summary: "docker build"),
            StagePlan(id: "staging", summary: "deploy staging", needs: ["build"], environment: "staging"),
            StagePlan(id: "prod-gate", summary: "gate", needs: ["staging"], gate: [.checklist("pre-deploy"), .approvals("production")]),
            StagePlan(id: "production", summary: "deploy production", needs: ["prod-gate"], environment: "production"),
        ],
        checklists: [Fixtures.checklist],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["alice", "bob", "carol"], allowSelf: false)])

    private func given(_ build: (ReducerTester) -> Void) -> GantryState {
        let tester = ReducerTester()
        build(tester)
        return tester.state
    }

    private func decide(_ command: Command, _ state: GantryState, as actor: String,
                        leaseIsLive: @escaping @Sendable (Lease, Date) -> Bool = { $0.expires > $1 }) -> Result<Decision, Refusal> {
        Rulebook.decide(command, state: state, context: DecisionContext(actor: actor, now: now, leaseIsLive: leaseIsLive))
    }

    private func refusal(_ result: Result<Decision, Refusal>, file: StaticString = #filePath, line: UInt = #line) -> String? {
        guard case .failure(let refusal) = result else {
            XCTFail("accepted: \(result)", file: file, line: line)
            return nil
        }
        return refusal.reason
    }

    private func decision(_ result: Result<Decision, Refusal>, file: StaticString = #filePath, line: UInt = #line) -> Decision? {
        switch result {
        case .success(let decision): return decision
        case .failure(let refusal):
            XCTFail("refused: \(refusal.reason)", file: file, line: line)
            return nil
        }
    }

    private func requested(_ t: ReducerTester, by actor: String = "dave") {
        t.fold(.deployRequested(environment: "production", version: "2.1.0", policy: policy), deploy: production, actor: actor)
        t.fold(.deployStarted, deploy: production)
    }

    // MARK: - Deploy

    func testADeployClaimsTheEnvironmentStreamItReliedOn() throws {
        let state = given { t in
            t.fold(.environmentClaimed(environment: "production", deploy: DeployID("production-2.0.0-1"), version: "2.0.0"),
                   deploy: .environment("production"))
            t.fold(.deployRequested(environment: "production", version: "2.0.0", policy: policy),
                   deploy: DeployID("production-2.0.0-1"), actor: "dave")
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: DeployID("production-2.0.0-1"))
        }
        let decided = try XCTUnwrap(decision(decide(.deploy(environment: "production", version: "2.1.0", policy: policy, requires: []),
                                                    state, as: "dave")))
        let id = DeployID("production-2.1.0-2")
        XCTAssertEqual(decided, Decision(
            events: [PendingEvent(time: now, actor: "dave", deploy: id,
                                  payload: .deployRequested(environment: "production", version: "2.1.0", policy: policy)),
                     PendingEvent(time: now, actor: "dave", deploy: .environment("production"),
                                  payload: .environmentClaimed(environment: "production", deploy: id, version: "2.1.0"))],
            expectations: [id: .noStream, .environment("production"): .exact(1)],
            deploy: id, summary: "deploy production-2.1.0-2 requested by dave"))
    }

    func testADeployIsRefusedWhileAnotherRunsOrALeaseIsHeld() {
        let running = given { requested($0) }
        XCTAssertEqual(refusal(decide(.deploy(environment: "production", version: "2.2.0", policy: policy, requires: []), running, as: "erin")),
                       "production already has a deploy in progress: production-2.1.0-1 (2.1.0, running, requested by dave 9m ago); "
                       + "wait for it, cancel it (`gantry cancel production`) or roll it back (`gantry rollback production`)")
        let leased = given { t in
            t.fold(.leaseAcquired(environment: "production", holder: "executor@ci-7:311", expires: now.addingTimeInterval(25)),
                   deploy: DeployID("lease:production"))
        }
        XCTAssertEqual(refusal(decide(.deploy(environment: "production", version: "2.2.0", policy: policy, requires: []), leased, as: "erin")),
                       "production is being deployed by executor@ci-7:311 (lease renewed 9m ago, expires in 25s); wait for it to "
                       + "finish, or stop it with `gantry cancel production`")
        XCTAssertNotNil(decision(decide(.deploy(environment: "production", version: "2.2.0", policy: policy, requires: []), leased,
                                        as: "erin", leaseIsLive: { _, _ in false })), "a dead holder's lease does not bind")
    }

    func testARefusedVersionNamesTheProblem() {
        XCTAssertEqual(refusal(decide(.deploy(environment: "staging", version: "-rf", policy: policy, requires: []), GantryState(), as: "erin")),
                       "version '-rf' is refused: a version may not start with '-' or '.'")
    }

    /// `requires:` needs a success that stayed: a rolled-back version does not count.
    func testRequiresNeedsASuccessThatWasNotRolledBack() {
        let staging = DeployID("staging-2.1.0-1")
        let plain = DeployPolicy(strategy: "rolling", stages: [StagePlan(id: "production", summary: "deploy", environment: "production")],
                                 checklists: [], approvals: [])
        let none = GantryState()
        XCTAssertEqual(refusal(decide(.deploy(environment: "production", version: "2.1.0", policy: plain, requires: ["staging"]), none, as: "erin")),
                       "2.1.0 has not succeeded on staging yet; production requires it (`requires: [staging]`): deploy it to staging first")
        let rolledBack = given { t in
            t.fold(.deployRequested(environment: "staging", version: "2.1.0", policy: .empty), deploy: staging, actor: "erin")
            t.fold(.environmentVerified(environment: "staging", version: "2.1.0", deploy: staging), deploy: .environment("staging"))
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: staging)
            t.fold(.rollbackRequested(reason: "5xx"), deploy: staging, actor: "erin")
            t.fold(.environmentObserved(environment: "staging", cause: .rolledBack, live: Fixtures.live("2.0.0", revision: 3),
                                        deploy: staging, drift: ""), deploy: .environment("staging"))
            t.fold(.rollbackFinished(succeeded: true, version: "2.0.0", reason: ""), deploy: staging)
        }
        XCTAssertEqual(rolledBack.environments["staging"]?.knownGood, [], "a rolled-back version is not known-good")
        XCTAssertEqual(refusal(decide(.deploy(environment: "production", version: "2.1.0", policy: plain, requires: ["staging"]), rolledBack,
                                      as: "erin")),
                       "2.1.0 was rolled back on staging (staging-2.1.0-1); production requires a version that succeeded there and "
                       + "stayed: deploy a fixed version to staging first")
        XCTAssertNotNil(decision(decide(.deploy(environment: "production", version: "2.1.0", policy: policy, requires: ["staging"]), none,
                                        as: "erin")), "staging deployed on the way needs no earlier success")
    }

    // MARK: - Approvals

    func testApprovalRules() throws {
        var state = given { requested($0, by: "alice") }
        XCTAssertEqual(refusal(decide(.approve(environment: "production", comment: ""), state, as: "alice")),
                       "alice requested production-2.1.0-1; self-approval is off for production: another approver (bob, carol) must approve")
        XCTAssertEqual(refusal(decide(.approve(environment: "production", comment: ""), state, as: "mallory")),
                       "mallory may not approve production (approvers: alice, bob, carol)")
        let decided = try XCTUnwrap(decision(decide(.approve(environment: "production", comment: "lgtm"), state, as: "bob")))
        XCTAssertEqual(decided, Decision(
            events: [PendingEvent(time: now, actor: "bob", deploy: production, payload: .approvalGiven(scope: "production", comment: "lgtm"))],
            expectations: [production: .exact(2)], deploy: production,
            summary: "approved production-2.1.0-1 (2.1.0) for production as bob"))
        state = given { t in
            requested(t, by: "alice")
            t.fold(.approvalGiven(scope: "production", comment: ""), deploy: production, actor: "bob")
        }
        XCTAssertEqual(refusal(decide(.approve(environment: "production", comment: ""), state, as: "bob")),
                       "bob already approved production-2.1.0-1 for production 9m ago")
        state = given { t in
            requested(t, by: "alice")
            t.fold(.approvalGiven(scope: "production", comment: ""), deploy: production, actor: "bob")
            t.fold(.approvalGiven(scope: "production", comment: ""), deploy: production, actor: "carol")
        }
        XCTAssertEqual(refusal(decide(.approve(environment: "production", comment: ""), state, as: "alice")),
                       "alice requested production-2.1.0-1; self-approval is off for production: another approver (bob, carol) must approve")
        XCTAssertEqual(refusal(decide(.approve(environment: "staging", comment: ""), GantryState(), as: "bob")),
                       "no deploy to staging is in progress; `gantry history` lists past ones")
    }

    // MARK: - Checklist

    func testTickRules() throws {
        let state = given { requested($0) }
        XCTAssertEqual(refusal(decide(.tick(environment: "production", checklist: nil, item: "tests", note: ""), state, as: "erin")),
                       "pre-deploy/tests is verified by its command (./ci-status 2.1.0), not by hand")
        XCTAssertEqual(refusal(decide(.tick(environment: "production", checklist: nil, item: "backup", note: " "), state, as: "erin")),
                       "pre-deploy/backup needs evidence (e.g. a snapshot id or a link): give it as the note")
        XCTAssertEqual(refusal(decide(.tick(environment: "production", checklist: nil, item: "bakup", note: ""), state, as: "erin")),
                       "no checklist item 'bakup' in production-2.1.0-1; items: pre-deploy/tests, pre-deploy/review, pre-deploy/backup")
        XCTAssertEqual(refusal(decide(.untick(environment: "production", checklist: "pre-deploy", item: "review", note: ""), state, as: "erin")),
                       "pre-deploy/review is not ticked")
        let decided = try XCTUnwrap(decision(decide(.tick(environment: "production", checklist: "pre-deploy", item: "backup",
                                                          note: "snapshot db-42"), state, as: "erin")))
        XCTAssertEqual(decided.events, [PendingEvent(time: now, actor: "erin", deploy: production,
                                                     payload: .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snapshot db-42"))])
        XCTAssertEqual(decided.summary, "ticked pre-deploy/backup of production-2.1.0-1 as erin")
        let ticked = given { t in
            requested(t)
            t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "review", note: ""), deploy: production, actor: "erin")
        }
        XCTAssertEqual(refusal(decide(.tick(environment: "production", checklist: nil, item: "review", note: ""), ticked, as: "frank")),
                       "pre-deploy/review is already ticked by erin")
        XCTAssertEqual(decision(decide(.untick(environment: "production", checklist: nil, item: "review", note: "not yet"), ticked, as: "frank"))?
            .events.map(\.payload), [.checklistItemUnticked(checklist: "pre-deploy", item: "review", note: "not yet")])
    }

    // MARK: - Rollback

    func testRollbackRules() throws {
        XCTAssertEqual(refusal(decide(.rollback(environment: "production", reason: ""), GantryState(), as: "erin")),
                       "nothing to roll back: no deploy to production yet")
        let atTheGate = given { t in
            requested(t)
            t.fold(.stageStarted(stage: "build", command: []), deploy: production)
            t.fold(.stageSucceeded(stage: "build"), deploy: production)
            t.fold(.stageStarted(stage: "staging", command: []), deploy: production)
            t.fold(.stageSucceeded(stage: "staging"), deploy: production)
        }
        XCTAssertEqual(refusal(decide(.rollback(environment: "production", reason: ""), atTheGate, as: "erin")),
                       "production-2.1.0-1 has not changed production yet (it is at prod-gate): there is nothing to roll back; "
                       + "stop it with `gantry cancel production`")
        let live = given { t in
            requested(t)
            t.fold(.stageStarted(stage: "production", command: []), deploy: production)
        }
        let decided = try XCTUnwrap(decision(decide(.rollback(environment: "production", reason: "5xx"), live, as: "erin")))
        XCTAssertEqual(decided.events, [PendingEvent(time: now, actor: "erin", deploy: production, payload: .rollbackRequested(reason: "5xx"))])
        XCTAssertEqual(decided.expectations, [production: .exact(3)])
        let rolledBack = given { t in
            requested(t)
            t.fold(.stageStarted(stage: "production", command: []), deploy: production)
            t.fold(.rollbackRequested(reason: "5xx"), deploy: production, actor: "erin")
            t.fold(.rollbackStarted(targetVersion: "2.0.0", method: "scale canary to 0"), deploy: production)
            t.fold(.rollbackFinished(succeeded: true, version: "2.0.0", reason: ""), deploy: production)
        }
        XCTAssertEqual(refusal(decide(.rollback(environment: "production", reason: ""), rolledBack, as: "frank")),
                       "production-2.1.0-1 was already rolled back to 2.0.0 by erin; there is nothing newer on production to undo")
    }

    /// Staging deployed on the way to production: a rollback of staging undoes the production
    /// deploy's staging stage while it waits at its gate, to staging's own known-good version,
    /// and is refused (naming the way) once the deploy changed production too.
    func testRollbackOfAnEnvironmentDeployedOnTheWay() throws {
        let before = DeployID("staging-2.0.0-1")
        let atTheGate = given { t in
            t.fold(.deployRequested(environment: "staging", version: "2.0.0", policy: .empty), deploy: before, actor: "dave")
            t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.0.0", revision: 4),
                                        deploy: before, drift: ""), deploy: .environment("staging"))
            t.fold(.environmentVerified(environment: "staging", version: "2.0.0", deploy: before), deploy: .environment("staging"))
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: before)
            requested(t)
            t.fold(.stageStarted(stage: "staging", command: []), deploy: production)
            t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 5),
                                        deploy: production, drift: ""), deploy: .environment("staging"))
            t.fold(.stageSucceeded(stage: "staging"), deploy: production)
        }
        XCTAssertEqual(atTheGate.environments["staging"]?.liveBy, production)
        XCTAssertEqual(Rulebook.deployToRollBack("staging", atTheGate)?.id, production)
        XCTAssertEqual(RollbackPlan.steps(of: atTheGate.deploys[production]!, in: atTheGate),
                       [RollbackStep(environment: "staging", from: "2.1.0", to: "2.0.0")])
        let decided = try XCTUnwrap(decision(decide(.rollback(environment: "staging", reason: "500s"), atTheGate, as: "erin")))
        XCTAssertEqual(decided, Decision(
            events: [PendingEvent(time: now, actor: "erin", deploy: production, payload: .rollbackRequested(reason: "500s"))],
            expectations: [production: .exact(4)], deploy: production,
            summary: "rollback of production-2.1.0-1 (staging 2.1.0 → 2.0.0) requested by erin"))

        let both = given { t in
            t.fold(.deployRequested(environment: "staging", version: "2.0.0", policy: .empty), deploy: before, actor: "dave")
            t.fold(.environmentVerified(environment: "staging", version: "2.0.0", deploy: before), deploy: .environment("staging"))
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: before)
            requested(t)
            t.fold(.stageStarted(stage: "staging", command: []), deploy: production)
            t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 5),
                                        deploy: production, drift: ""), deploy: .environment("staging"))
            t.fold(.stageSucceeded(stage: "staging"), deploy: production)
            t.fold(.stageStarted(stage: "production", command: []), deploy: production)
        }
        XCTAssertEqual(refusal(decide(.rollback(environment: "staging", reason: ""), both, as: "erin")),
                       "staging runs 2.1.0 from production-2.1.0-1, which also changed production; `gantry rollback production` "
                       + "rolls back both (production 2.1.0 → the previous revision; staging 2.1.0 → 2.0.0)")
        XCTAssertEqual(RollbackPlan.steps(of: both.deploys[production]!, in: both),
                       [RollbackStep(environment: "production", from: "2.1.0", to: nil),
                        RollbackStep(environment: "staging", from: "2.1.0", to: "2.0.0")])

        // Staging had verified 2.1.0 with its own deploy before production's went through it:
        // rolling production back leaves staging as it was (and 2.1.0 good there).
        let verified = DeployID("staging-2.1.0-2")
        let through = given { t in
            t.fold(.deployRequested(environment: "staging", version: "2.1.0", policy: .empty), deploy: verified, actor: "dave")
            t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 5),
                                        deploy: verified, drift: ""), deploy: .environment("staging"))
            t.fold(.environmentVerified(environment: "staging", version: "2.1.0", deploy: verified), deploy: .environment("staging"))
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: verified)
            requested(t)
            t.fold(.stageStarted(stage: "staging", command: []), deploy: production)
            t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 5),
                                        deploy: production, drift: ""), deploy: .environment("staging"))
            t.fold(.environmentVerified(environment: "staging", version: "2.1.0", deploy: production), deploy: .environment("staging"))
            t.fold(.stageSucceeded(stage: "staging"), deploy: production)
            t.fold(.stageStarted(stage: "production", command: []), deploy: production)
        }
        XCTAssertEqual(through.environments["staging"]?.verifiedBy["2.1.0"], verified)
        XCTAssertEqual(RollbackPlan.steps(of: through.deploys[production]!, in: through),
                       [RollbackStep(environment: "production", from: "2.1.0", to: nil)])
    }

    // MARK: - Override and cancel

    func testOverrideNeedsAReasonAndAClosedGate() throws {
        let state = given { requested($0) }
        XCTAssertEqual(refusal(decide(.override(environment: "production", gate: nil, reason: "  "), state, as: "erin")),
                       "an override needs a reason for the audit trail, e.g. --reason \"sev1: checkout down, fix verified by hand\"")
        XCTAssertEqual(refusal(decide(.override(environment: "production", gate: "build", reason: "sev1"), state, as: "erin")),
                       "production-2.1.0-1 has no gate 'build'; closed gates: prod-gate")
        let decided = try XCTUnwrap(decision(decide(.override(environment: "production", gate: nil, reason: "sev1: checkout down"),
                                                    state, as: "erin")))
        XCTAssertEqual(decided.events.map(\.payload), [.gateOpened(gate: "prod-gate", overrideReason: "sev1: checkout down")])
        XCTAssertEqual(decided.summary, "OVERRODE gate prod-gate of production-2.1.0-1 as erin: sev1: checkout down")
        let opened = given { t in
            requested(t)
            t.fold(.gateOpened(gate: "prod-gate", overrideReason: ""), deploy: production)
        }
        XCTAssertEqual(refusal(decide(.override(environment: "production", gate: nil, reason: "x"), opened, as: "erin")),
                       "production-2.1.0-1 has no closed gate to override")
    }

    func testCancelAskedOfARunningExecutorOrEndedWhenNoneRunsIt() throws {
        let leased = given { t in
            requested(t)
            t.fold(.leaseAcquired(environment: "production", holder: "executor@ci-7:311", expires: now.addingTimeInterval(20)),
                   deploy: DeployID("lease:production"))
        }
        let asked = try XCTUnwrap(decision(decide(.cancel(environment: "production", reason: "wrong version"), leased, as: "erin")))
        XCTAssertEqual(asked.events.map(\.payload), [.cancelRequested(reason: "wrong version")])
        XCTAssertEqual(asked.summary, "cancel of production-2.1.0-1 requested by erin; executor@ci-7:311 stops it now")

        let orphan = given { t in
            requested(t)
            t.fold(.stageStarted(stage: "build", command: []), deploy: production)
            t.fold(.stageSucceeded(stage: "build"), deploy: production)
        }
        let ended = try XCTUnwrap(decision(decide(.cancel(environment: "production", reason: ""), orphan, as: "erin")))
        XCTAssertEqual(ended.events.map(\.payload), [
            .cancelRequested(reason: ""),
            .deployFinished(outcome: .cancelled, reason: "cancelled by erin; no executor was running it, production is left as its "
                            + "last completed stage (build) left it"),
        ])
        let finished = given { t in
            requested(t)
            t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: production)
        }
        XCTAssertEqual(refusal(decide(.cancel(environment: "production", reason: ""), finished, as: "erin")),
                       "no deploy to production is in progress: nothing to cancel")
    }
}
