import Foundation
import GantryCore

/// Ready-made events for store tests: one payload of every kind, log lines, decisions.
public enum EventSamples {
    /// A fixed, realistic moment (2026-11-22 02:00 UTC) with sub-second digits.
    public static let epoch = Date(timeIntervalSince1970: 1_795_312_800.123_456)

    /// One payload of every kind in the vocabulary (and one unrecognized), in a plausible order.
    public static let everyKind: [EventPayload] = [
        .deployRequested(environment: "production", version: "2.1.0", policy: policy),
        .deployStarted,
        .stageQueued(stage: "build"),
        .stageStarted(stage: "build", command: ["docker", "build", "-t", "web:2.1.0", "."]),
        .stageProgressed(stage: "build", done: 3, total: 5, label: "layers"),
        .stageLogged(stage: "build", stream: .stderr, line: "Step 3/5 : RUN swift build -c release ✓"),
        .stageSucceeded(stage: "build"),
        .stageFailed(stage: "smoke", reason: "HTTP 503 from /healthz"),
        .stageSkipped(stage: "notify", reason: "no webhook configured"),
        .stageCancelled(stage: "deploy", reason: "rollback requested"),
        .stageOutputOmitted(stage: "build", lines: 1_204_311, bytes: 188_978_121),
        .cancelRequested(reason: "wrong version"),
        .environmentClaimed(environment: "production", deploy: DeployID("production-2.1.0-3"), version: "2.1.0"),
        .environmentObserved(environment: "production", cause: .rolledBack,
                             live: LiveState(version: "2.0.3", image: "registry.local/shop/web:2.0.3", revision: 12, ready: 4,
                                             desired: 5, detail: "colour blue"),
                             deploy: DeployID("production-2.1.0-3"), drift: "production runs 2.0.3, not what Gantry deployed (2.1.0)"),
        .environmentVerified(environment: "production", version: "2.1.0", deploy: DeployID("production-2.1.0-3")),
        .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snapshot db-2026-11-22"),
        .checklistItemUnticked(checklist: "pre-deploy", item: "backup", note: "wrong snapshot"),
        .checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: true, evidence: "412 tests passed"),
        .approvalGiven(scope: "production", comment: "LGTM"),
        .approvalRevoked(scope: "production", comment: "wait for the security scan"),
        .gateOpened(gate: "deploy", overrideReason: ""),
        .metricSampled(metric: "error_rate", value: 0.0125),
        .thresholdCrossed(metric: "error_rate", level: .critical, value: 0.07, threshold: 0.05),
        .rollbackRequested(reason: "error rate above 5%"),
        .rollbackStarted(targetVersion: "2.0.3", method: "kubectl rollout undo deployment/web"),
        .rollbackFinished(succeeded: true, version: "2.0.3", reason: ""),
        .leaseAcquired(environment: "production", holder: "executor@build-7", expires: epoch.addingTimeInterval(600)),
        .leaseReleased(environment: "production", holder: "executor@build-7"),
        .unrecognized(kind: 999, bytes: [1, 2, 3, 250]),
    ]

    /// A small pipeline policy, frozen into `deployRequested`.
    public static let policy = DeployPolicy(
        strategy: "canary",
        stages: [StagePlan(id: "build", summary: "Build the image"),
                 StagePlan(id: "deploy", summary: "Roll out", needs: ["build"],
                           gate: [.checklist("pre-deploy"), .approvals("production")])],
        checklists: [ChecklistPlan(id: "pre-deploy", items: [
            ChecklistItemPlan(id: "tests", text: "Tests pass", verify: ["swift", "test"]),
            ChecklistItemPlan(id: "backup", text: "Database backed up", evidenceRequired: true),
        ])],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["ana", "ben", "chloe"])])

    /// `count` log lines of one deploy, one second apart.
    public static func logLines(_ count: Int, deploy: DeployID = DeployID("staging-1"), from start: Int = 0,
                                actor: String = "executor") -> [PendingEvent] {
        (start..<(start + count)).map { n in
            PendingEvent(time: epoch.addingTimeInterval(Double(n)), actor: actor, deploy: deploy,
                         payload: .stageLogged(stage: "build", stream: .stdout, line: "line \(n)"))
        }
    }

    /// A durable decision: a checklist tick by `actor`.
    public static func tick(_ item: String, deploy: DeployID = DeployID("staging-1"), actor: String = "ana") -> PendingEvent {
        PendingEvent(time: epoch, actor: actor, deploy: deploy,
                     payload: .checklistItemTicked(checklist: "pre-deploy", item: item, note: ""))
    }

    /// One pending event for each payload in `everyKind`.
    public static func everyKindPending(deploy: DeployID = DeployID("production-2.1.0")) -> [PendingEvent] {
        everyKind.enumerated().map { index, payload in
            PendingEvent(time: epoch.addingTimeInterval(Double(index) * 0.25), actor: index % 2 == 0 ? "ana" : "executor",
                         deploy: deploy, payload: payload)
        }
    }
}
