import Foundation
import GantryCore
import GantryStore

/// A store holding two deploys to production: 2.0.0 (succeeded) and 2.1.0 (gated, approved,
/// canaried, rolled back on error rate), with fixed times so command output is exact.
enum SeededStore {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15T08:00:00Z

    static let policy = DeployPolicy(
        strategy: "canary",
        stages: [
            StagePlan(id: "build", summary: "docker build"),
            StagePlan(id: "prod-gate", summary: "gate: checklist:pre-deploy, approvals:production", needs: ["build"],
                      gate: [.checklist("pre-deploy"), .approvals("production")]),
            StagePlan(id: "production", summary: "deploy production (canary)", needs: ["prod-gate"]),
        ],
        checklists: [ChecklistPlan(id: "pre-deploy", items: [
            ChecklistItemPlan(id: "tests", text: "All tests passing", verify: ["./ci-status", "2.1.0"]),
            ChecklistItemPlan(id: "backup", text: "Database backup created", evidenceRequired: true),
        ])],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["bob", "carol"])]
    )

    /// Creates the store at `path` and fills it.
    static func create(at path: String) throws {
        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        let old = DeployID("production-2.0.0-1"), new = DeployID("production-2.1.0-1")
        var minute = 0.0
        func add(_ deploy: DeployID, _ actor: String, _ payload: EventPayload) throws {
            minute += 1
            try store.append(PendingEvent(time: t0.addingTimeInterval(minute * 60), actor: actor, deploy: deploy, payload: payload))
        }
        try add(old, "alice", .deployRequested(environment: "production", version: "2.0.0", policy: .empty))
        try add(old, "executor", .deployStarted)
        try store.append(PendingEvent(time: t0.addingTimeInterval(minute * 60), actor: "executor", deploy: .environment("production"),
                                      payload: .environmentVerified(environment: "production", version: "2.0.0", deploy: old)))
        try add(old, "executor", .deployFinished(outcome: .succeeded, reason: ""))
        try add(new, "alice", .deployRequested(environment: "production", version: "2.1.0", policy: policy))
        try add(new, "executor", .deployStarted)
        try add(new, "executor", .stageStarted(stage: "build", command: ["docker", "build", "-t", "127.0.0.1:5000/shop/web:2.1.0", "."]))
        try add(new, "executor", .stageLogged(stage: "build", stream: .stdout, line: "Step 1/2 : FROM scratch"))
        try add(new, "executor", .stageSucceeded(stage: "build"))
        try add(new, "executor", .checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: true, evidence: "142 passed"))
        try add(new, "dave", .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snapshot db-0042"))
        try add(new, "bob", .approvalGiven(scope: "production", comment: "lgtm"))
        try add(new, "carol", .approvalGiven(scope: "production", comment: ""))
        try add(new, "executor", .gateOpened(gate: "prod-gate", overrideReason: ""))
        try add(new, "executor", .stageStarted(stage: "production", command: []))
        try add(new, "executor", .stageProgressed(stage: "production", done: 1, total: 10, label: "canary 10%"))
        try add(new, "executor", .metricSampled(metric: "error-rate", value: 0.072))
        try add(new, "executor", .thresholdCrossed(metric: "error-rate", level: .critical, value: 0.072, threshold: 0.05))
        try add(new, "executor", .rollbackRequested(reason: "error-rate 7.2% > critical 5%"))
        try add(new, "executor", .rollbackStarted(targetVersion: "2.0.0", method: "kubectl scale deployment/web-canary --replicas=0"))
        try add(new, "executor", .rollbackFinished(succeeded: true, version: "2.0.0", reason: ""))
        try add(new, "executor", .stageFailed(stage: "production", reason: "rolled back: error-rate critical"))
        try add(new, "executor", .deployFinished(outcome: .rolledBack, reason: "error-rate 7.2% > critical 5%"))
    }
}
