import Foundation
import GantryCore

/// A small production policy used across core tests: build, staging, a gate, production.
enum Fixtures {
    static let deploy = DeployID("production-2.1.0-1")

    static let checklist = ChecklistPlan(id: "pre-deploy", items: [
        ChecklistItemPlan(id: "tests", text: "All tests passing", verify: ["./ci-status", "2.1.0"]),
        ChecklistItemPlan(id: "review", text: "Code review approved"),
        ChecklistItemPlan(id: "backup", text: "Database backup created", evidenceRequired: true),
    ])

    static let policy = DeployPolicy(
        strategy: "canary",
        stages: [
            StagePlan(id: "build", summary: "docker build"),
            StagePlan(id: "staging", summary: "deploy staging (rolling)", needs: ["build"]),
            StagePlan(id: "prod-gate", summary: "gate", needs: ["staging"],
                      gate: [.checklist("pre-deploy"), .approvals("production")]),
            StagePlan(id: "production", summary: "deploy production (canary)", needs: ["prod-gate"]),
        ],
        checklists: [checklist],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["alice", "bob", "carol"], allowSelf: false)]
    )

    /// A rolling environment running `version` of `registry.local/shop/web`, 3 of 3 pods ready.
    static func live(_ version: String, revision: Int, detail: String = "") -> LiveState {
        LiveState(version: version, image: "registry.local/shop/web:\(version)", revision: revision, ready: 3, desired: 3, detail: detail)
    }

    static let request = EventPayload.deployRequested(environment: "production", version: "2.1.0", policy: policy)
}
