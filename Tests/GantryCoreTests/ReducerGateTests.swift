import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// Checklists, approvals and gate rules: exact state after each event, and the gate's explanation.
final class ReducerGateTests: XCTestCase {
    private let id = Fixtures.deploy

    private func started() -> ReducerTester {
        let t = ReducerTester()
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        return t
    }

    private func gate(_ t: ReducerTester) -> GateStatus {
        GateRules.evaluate(gate: "prod-gate", in: t.state.deploys[id]!)
    }

    func testClosedGateExplainsEverythingMissing() {
        let t = started()
        XCTAssertEqual(gate(t), GateStatus(isOpen: false, blockers: [
            "checklist pre-deploy: 3 of 3 left (tests, review, backup)",
            "waiting for 2 approvals",
        ]))
    }

    func testTickUntickAndVerify() {
        let t = started()
        let tickTime = t.nextTime
        t.send(.checklistItemTicked(checklist: "pre-deploy", item: "review", note: "PR #42"), deploy: id, actor: "dave") {
            $0.deploys[self.id]?.checklists[0].items[1].done = true
            $0.deploys[self.id]?.checklists[0].items[1].by = "dave"
            $0.deploys[self.id]?.checklists[0].items[1].at = tickTime
            $0.deploys[self.id]?.checklists[0].items[1].evidence = "PR #42"
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 2, time: tickTime, actor: "dave",
                                                         kind: .checklistItemTicked, text: "ticked pre-deploy/review: \"PR #42\""))
        }
        let untickTime = t.nextTime
        t.send(.checklistItemUnticked(checklist: "pre-deploy", item: "review", note: ""), deploy: id, actor: "erin") {
            $0.deploys[self.id]?.checklists[0].items[1].done = false
            $0.deploys[self.id]?.checklists[0].items[1].by = "erin"
            $0.deploys[self.id]?.checklists[0].items[1].at = untickTime
            $0.deploys[self.id]?.checklists[0].items[1].evidence = ""
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 3, time: untickTime, actor: "erin",
                                                         kind: .checklistItemUnticked, text: "unticked pre-deploy/review"))
        }
        let verifyTime = t.nextTime
        t.send(.checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: false, evidence: "2 failing"),
               deploy: id) {
            $0.deploys[self.id]?.checklists[0].items[0].done = false
            $0.deploys[self.id]?.checklists[0].items[0].verificationFailed = true
            $0.deploys[self.id]?.checklists[0].items[0].by = "executor"
            $0.deploys[self.id]?.checklists[0].items[0].at = verifyTime
            $0.deploys[self.id]?.checklists[0].items[0].evidence = "2 failing"
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 4, time: verifyTime, actor: "executor",
                                                         kind: .checklistItemVerified, text: "verified pre-deploy/tests: failed"))
        }
        XCTAssertEqual(gate(t).blockers.first, "checklist pre-deploy: 3 of 3 left (tests (verify failed), review, backup)")
    }

    func testTickOfUnknownItemChangesNothing() {
        let t = started()
        t.send(.checklistItemTicked(checklist: "pre-deploy", item: "nope", note: ""), deploy: id, actor: "dave") { _ = $0 }
        t.send(.checklistItemTicked(checklist: "nope", item: "review", note: ""), deploy: id, actor: "dave") { _ = $0 }
    }

    func testEvidenceRequired() {
        let t = started()
        t.fold(.checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: true, evidence: "ok"), deploy: id)
        t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "review", note: ""), deploy: id, actor: "dave")
        t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "backup", note: ""), deploy: id, actor: "dave")
        XCTAssertEqual(gate(t).blockers.first, "checklist pre-deploy: 1 of 3 left (backup (evidence missing))")
        t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snap-0042"), deploy: id, actor: "dave")
        XCTAssertEqual(gate(t).blockers, ["waiting for 2 approvals"])
    }

    func testApprovalsCountAllowedDistinctNonSelf() {
        let t = started()
        let time = t.nextTime
        t.send(.approvalGiven(scope: "production", comment: "lgtm"), deploy: id, actor: "bob") {
            $0.deploys[self.id]?.approvals = [Approval(scope: "production", by: "bob", at: time, comment: "lgtm")]
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 2, time: time, actor: "bob", kind: .approvalGiven,
                                                         text: "approved production: \"lgtm\""))
        }
        XCTAssertEqual(gate(t).blockers.last, "waiting for 1 more approval (bob ✓)")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "bob")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "alice")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "mallory")
        XCTAssertEqual(gate(t).blockers.last,
                       "waiting for 1 more approval (bob ✓); not counted: alice (self-approval), mallory (not an approver)")
        let revokeTime = t.nextTime
        t.send(.approvalRevoked(scope: "production", comment: "found a bug"), deploy: id, actor: "bob") {
            $0.deploys[self.id]?.approvals.removeAll { $0.by == "bob" }
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 6, time: revokeTime, actor: "bob", kind: .approvalRevoked,
                                                         text: "revoked approval of production: \"found a bug\""))
        }
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "bob")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "carol")
        XCTAssertEqual(GateRules.countedApprovers("production", in: t.state.deploys[id]!), ["bob", "carol"])
        XCTAssertEqual(gate(t).blockers, ["checklist pre-deploy: 3 of 3 left (tests, review, backup)"])
    }

    func testGateOpensWhenAllHoldAndOverrideIsAudited() {
        let t = started()
        t.fold(.checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: true, evidence: "ok"), deploy: id)
        t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "review", note: ""), deploy: id, actor: "dave")
        t.fold(.checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snap"), deploy: id, actor: "dave")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "bob")
        t.fold(.approvalGiven(scope: "production", comment: ""), deploy: id, actor: "carol")
        XCTAssertEqual(gate(t), GateStatus(isOpen: true, blockers: []))

        let other = started()
        let time = other.nextTime
        other.send(.gateOpened(gate: "prod-gate", overrideReason: "sev1 hotfix INC-7"), deploy: id, actor: "oncall") {
            $0.deploys[self.id]?.openedGates = ["prod-gate"]
            $0.deploys[self.id]?.overrides["prod-gate"] = GateOverride(by: "oncall", at: time, reason: "sev1 hotfix INC-7")
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 2, time: time, actor: "oncall", kind: .gateOpened,
                                                         text: "OVERRODE gate prod-gate: \"sev1 hotfix INC-7\""))
        }
        XCTAssertTrue(gate(other).isOpen)
        XCTAssertEqual(gate(other).summary, "open by override (oncall: sev1 hotfix INC-7)")
    }
}
