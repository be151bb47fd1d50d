import Foundation
import GantryCore

/// A small production policy used across core tests: build, staging, a gate, production.
enum Fixtures {
    static let deploy = DeployID("production-2.1.0-1")

    static let checklist = ChecklistSpec(id: "pre-deploy", items: [
        ChecklistItemSpec(id: "tests", text: "All tests passing", verify: ["./ci-status", "2.1.0"]),
        ChecklistItemSpec(id: "review", text: "Code review approved"),
        ChecklistItemSpec(id: "backup", text: "Database backup created", evidenceRequired: true),
    ])

    static let policy = DeployPolicy(
        strategy: "canary",
        stages: [
            StageSpec(id: "build", summary: "docker build"),
            StageSpec(id: "staging", summary: "deploy staging (rolling)", needs: ["build"]),
            StageSpec(id: "prod-gate", summary: "gate", needs: ["staging"],
                      gate: [.checklist("pre-deploy"), .approvals("production")]),
            StageSpec(id: "production", summary: "deploy production (canary)", needs: ["prod-gate"]),
        ],
        checklists: [checklist],
        approvals: [ApprovalPolicy(scope: "production", required: 2, allowed: ["alice", "bob", "carol"], allowSelf: false)]
    )

    static let request = EventPayload.deployRequested(environment: "production", version: "2.1.0", policy: policy)
}
