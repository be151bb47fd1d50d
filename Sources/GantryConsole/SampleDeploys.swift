import Foundation
import GantryCore

/// Sample event logs of a deploy in each interesting phase, with fixed times: the fixtures of the
/// screen tests, the seeds of the end-to-end tests and screenshots, and material for a demo.
public enum SampleDeploys {
    /// A phase of the sample production deploy of `web` 2.1.0.
    public enum Phase: String, CaseIterable, Sendable {
        /// At the gate: checklist partly done, one approval of two.
        case gated
        /// Canary at 25 % with healthy metrics.
        case canary
        /// error-rate went critical; the automatic rollback to 2.0.0 is running.
        case rollingBack = "rolling-back"
        /// The migrate step failed with CrashLoopBackOff pods.
        case failed
    }

    /// 2027-01-15T08:00:00Z.
    public static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    public static let production = DeployID("production-2.1.0-1800000600")

    /// The policy of a deploy to production: build, push, gate, canary, watch.
    public static let productionPolicy = DeployPolicy(
        strategy: "canary",
        stages: [
            StagePlan(id: "build", summary: "docker build"),
            StagePlan(id: "push", summary: "docker push", needs: ["build"]),
            StagePlan(id: "migrate", summary: "./scripts/migrate up", needs: ["push"]),
            StagePlan(id: "prod-gate", summary: "gate: checklist:pre-deploy, approvals:production", needs: ["migrate"],
                      gate: [.checklist("pre-deploy"), .approvals("production")]),
            StagePlan(id: "production", summary: "deploy production (canary)", needs: ["prod-gate"]),
            StagePlan(id: "watch", summary: "monitor production for 30m", needs: ["production"]),
        ],
        checklists: [ChecklistPlan(id: "pre-deploy", items: [
            ChecklistItemPlan(id: "tests", text: "All tests passing", verify: ["./scripts/ci-status", "2.1.0"]),
            ChecklistItemPlan(id: "review", text: "Code review approved"),
            ChecklistItemPlan(id: "backup", text: "Database backup created", evidenceRequired: true),
            ChecklistItemPlan(id: "rollback-plan", text: "Rollback plan documented"),
        ])],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["alice", "bob", "carol"], allowSelf: false)],
        metrics: [MetricPlan(name: "error-rate", warn: 0.01, critical: 0.05, unit: .ratio),
                  MetricPlan(name: "latency-p95", warn: 1, critical: 2, unit: .seconds),
                  MetricPlan(name: "ready", warn: 2, critical: 1, lowerIsWorse: true, unit: .count)])

    /// The policy of a deploy to staging: build, push, rolling update.
    public static let stagingPolicy = DeployPolicy(
        strategy: "rolling",
        stages: [
            StagePlan(id: "build", summary: "docker build"),
            StagePlan(id: "push", summary: "docker push", needs: ["build"]),
            StagePlan(id: "staging", summary: "deploy staging (rolling)", needs: ["push"]),
        ],
        checklists: [], approvals: [])

    /// The events of `phase`, in order (time, actor, deploy, payload), the first at `start`
    /// plus a few seconds (`t0` by default: fixed times for exact screens).
    public static func events(_ phase: Phase, start: Date = t0) -> [PendingEvent] {
        let shift = start.timeIntervalSince(t0)
        guard shift == 0 else {
            return events(phase).map { PendingEvent(time: $0.time.addingTimeInterval(shift), actor: $0.actor, deploy: $0.deploy,
                                                    payload: $0.payload) }
        }
        var events: [PendingEvent] = []
        var seconds = 0.0
        func add(_ deploy: DeployID, _ actor: String, _ payload: EventPayload, after: Double = 5) {
            seconds += after
            events.append(PendingEvent(time: t0.addingTimeInterval(seconds), actor: actor, deploy: deploy, payload: payload))
        }
        let old = DeployID("production-2.0.0-1799990000"), staging = DeployID("staging-2.1.0-1800000100")
        add(old, "alice", .deployRequested(environment: "production", version: "2.0.0", policy: .empty))
        add(old, "executor", .deployStarted)
        add(.environment("production"), "executor", .environmentObserved(
            environment: "production", cause: .deployed, live: live("2.0.0", revision: 7), deploy: old, drift: ""), after: 55)
        add(.environment("production"), "executor", .environmentVerified(environment: "production", version: "2.0.0", deploy: old))
        add(old, "executor", .deployFinished(outcome: .succeeded, reason: ""), after: 0)
        add(staging, "alice", .deployRequested(environment: "staging", version: "2.1.0", policy: stagingPolicy))
        add(staging, "executor", .deployStarted)
        for stage in ["build", "push", "staging"] {
            add(staging, "executor", .stageStarted(stage: stage, command: []))
            add(staging, "executor", .stageSucceeded(stage: stage), after: 30)
        }
        add(.environment("staging"), "executor", .environmentObserved(
            environment: "staging", cause: .deployed, live: live("2.1.0", revision: 12), deploy: staging, drift: ""), after: 1)
        add(.environment("staging"), "executor", .environmentVerified(environment: "staging", version: "2.1.0", deploy: staging),
            after: 1)
        add(staging, "executor", .deployFinished(outcome: .succeeded, reason: ""), after: 3)

        let p = production
        let image = "127.0.0.1:5000/shop/web:2.1.0"
        add(p, "alice", .deployRequested(environment: "production", version: "2.1.0", policy: productionPolicy), after: 60)
        add(p, "executor", .deployStarted, after: 1)
        add(p, "executor", .stageStarted(stage: "build", command: ["docker", "build", "-t", image, "."]), after: 1)
        for line in ["Step 1/7 : FROM swift:6.0-jammy AS build", "Step 2/7 : WORKDIR /src", "Step 3/7 : COPY . .",
                     "Step 4/7 : RUN swift build -c release", "Step 5/7 : FROM ubuntu:jammy",
                     "Step 6/7 : COPY --from=build /src/.build/release/web /usr/bin/web",
                     "Step 7/7 : CMD [\"web\"]", "Successfully tagged \(image)"] {
            add(p, "executor", .stageLogged(stage: "build", stream: .stdout, line: line), after: 4)
        }
        add(p, "executor", .stageSucceeded(stage: "build"), after: 2)
        add(p, "executor", .stageStarted(stage: "push", command: ["docker", "push", image]), after: 1)
        add(p, "executor", .stageLogged(stage: "push", stream: .stdout, line: "2.1.0: digest: sha256:4f1c… size: 1570"), after: 9)
        add(p, "executor", .stageSucceeded(stage: "push"), after: 1)
        add(p, "executor", .stageStarted(stage: "migrate", command: ["./scripts/migrate", "up"]), after: 1)
        if phase == .failed {
            add(p, "executor", .stageLogged(stage: "migrate", stream: .stdout, line: "applying 0042_orders_index.sql"), after: 3)
            add(p, "executor", .stageLogged(stage: "migrate", stream: .stderr, line: "panic: missing DB_URL"), after: 2)
            add(p, "executor", .stageFailed(stage: "migrate", reason: "3 pods CrashLoopBackOff"), after: 30)
            add(p, "executor", .deployFinished(outcome: .failed, reason: "migrate failed: 3 pods CrashLoopBackOff"), after: 1)
            return events
        }
        add(p, "executor", .stageLogged(stage: "migrate", stream: .stdout, line: "applying 0042_orders_index.sql ... ok"), after: 3)
        add(p, "executor", .stageSucceeded(stage: "migrate"), after: 1)
        add(p, "executor", .stageQueued(stage: "prod-gate"), after: 1)
        add(p, "executor", .checklistItemVerified(checklist: "pre-deploy", item: "tests", passed: true, evidence: "412 passed, 0 failed"), after: 10)
        add(p, "bob", .checklistItemTicked(checklist: "pre-deploy", item: "review", note: "PR #1841"), after: 40)
        add(p, "dave", .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snapshot db-0042"), after: 50)
        add(p, "bob", .approvalGiven(scope: "production", comment: "lgtm"), after: 20)
        if phase == .gated { return events }

        add(p, "alice", .checklistItemTicked(checklist: "pre-deploy", item: "rollback-plan", note: "runbook/web#rollback"), after: 30)
        add(p, "carol", .approvalGiven(scope: "production", comment: ""), after: 30)
        add(p, "executor", .gateOpened(gate: "prod-gate", overrideReason: ""), after: 1)
        add(p, "executor", .stageSucceeded(stage: "prod-gate"))
        add(p, "executor", .stageStarted(stage: "production",
                                         command: ["kubectl", "--context", "prod", "-n", "web", "scale", "deployment/web-canary", "--replicas=1"]), after: 1)
        add(p, "executor", .stageLogged(stage: "production", stream: .stdout, line: "deployment.apps/web-canary scaled"), after: 1)
        add(p, "executor", .stageProgressed(stage: "production", done: 1, total: 4, label: "canary 10%"), after: 2)
        let errorRates = [0.002, 0.003, 0.002, 0.004, 0.003, 0.002, 0.003, 0.004, 0.003, 0.002, 0.003, 0.003]
        let latencies = [0.21, 0.22, 0.20, 0.24, 0.23, 0.22, 0.25, 0.21, 0.22, 0.23, 0.22, 0.24]
        for (index, rate) in errorRates.enumerated() {
            add(p, "executor", .metricSampled(metric: "error-rate", value: rate), after: 10)
            add(p, "executor", .metricSampled(metric: "latency-p95", value: latencies[index]), after: 0)
            add(p, "executor", .metricSampled(metric: "ready", value: Double(min(5, 3 + index / 4))), after: 0)
            if index == 5 {
                add(p, "executor", .stageLogged(stage: "production", stream: .system, line: "analysis step 1: error-rate 0.002 ok, latency-p95 0.22 ok"), after: 1)
                add(p, "executor", .stageStarted(stage: "production",
                                                 command: ["kubectl", "--context", "prod", "-n", "web", "scale", "deployment/web-canary", "--replicas=2"]), after: 1)
                add(p, "executor", .stageLogged(stage: "production", stream: .stdout, line: "deployment.apps/web-canary scaled"), after: 1)
                add(p, "executor", .stageProgressed(stage: "production", done: 2, total: 4, label: "canary 25%"), after: 1)
            }
        }
        for line in ["waiting for deployment \"web-canary\" rollout to finish: 1 of 2 updated replicas are available...",
                     "deployment \"web-canary\" successfully rolled out"] {
            add(p, "executor", .stageLogged(stage: "production", stream: .stdout, line: line), after: 2)
        }
        if phase == .canary { return events }

        for rate in [0.011, 0.034, 0.072] {
            add(p, "executor", .metricSampled(metric: "error-rate", value: rate), after: 10)
            add(p, "executor", .metricSampled(metric: "latency-p95", value: 0.4 + rate * 10), after: 0)
            add(p, "executor", .metricSampled(metric: "ready", value: 5), after: 0)
            if rate == 0.011 {
                add(p, "executor", .thresholdCrossed(metric: "error-rate", level: .warn, value: rate, threshold: 0.01), after: 0)
            }
        }
        add(p, "executor", .thresholdCrossed(metric: "error-rate", level: .critical, value: 0.072, threshold: 0.05), after: 0)
        add(p, "executor", .stageLogged(stage: "production", stream: .stderr, line: "error-rate 0.072 > critical 0.05: rolling back"), after: 1)
        add(p, "executor", .rollbackRequested(reason: "automatic (critical-metric): error-rate 7.2% > critical 5%"), after: 0)
        add(p, "executor", .rollbackStarted(targetVersion: "2.0.0", method: "kubectl scale deployment/web-canary --replicas=0"), after: 1)
        return events
    }

    /// The sample app's image at `version`, all pods ready.
    static func live(_ version: String, revision: Int) -> LiveState {
        LiveState(version: version, image: "registry.example.com/shop/web:\(version)", revision: revision, ready: 5, desired: 5)
    }

    /// The folded state of `phase`.
    public static func state(_ phase: Phase) -> GantryState {
        Reducer.fold(events(phase).enumerated().map { $0.element.numbered(seq: Int64($0.offset + 1), streamVersion: 0) })
    }

    /// A start time that makes `phase`'s last event happen `secondsAgo` before `now`.
    public static func start(_ phase: Phase, endingAt now: Date, secondsAgo: Double = 5) -> Date {
        let span = (events(phase).last?.time ?? t0).timeIntervalSince(t0)
        return now.addingTimeInterval(-span - secondsAgo)
    }

    /// The time a screenshot of `phase` is taken at (a little after its last event).
    public static func now(_ phase: Phase) -> Date {
        (events(phase).last?.time ?? t0).addingTimeInterval(7)
    }

    /// A model of `phase` as `actor` sees it, with staging and production listed.
    public static func model(_ phase: Phase, actor: String = "carol") -> ConsoleModel {
        var model = ConsoleModel(state: state(phase), pipelineEnvironments: ["staging", "production"],
                                 policies: ["staging": stagingPolicy, "production": productionPolicy], app: "web",
                                 actor: actor, now: now(phase))
        model.ui.environment = 1
        model.requires = ["production": ["staging"]]
        model.live = live(until: now(phase))
        return model
    }

    /// Live samples of both environments for the minute before `end`, every 5 s (the agent's
    /// sampling between deploys): staging healthy, production with a little noise.
    public static func live(until end: Date) -> LiveSamples {
        var values: [String: [String: [MetricSeries.Sample]]] = [:]
        let errors = [0.002, 0.003, 0.002, 0.004, 0.003, 0.002, 0.006, 0.003, 0.002, 0.003, 0.002, 0.004]
        let latency = [0.21, 0.22, 0.2, 0.24, 0.23, 0.22, 0.31, 0.25, 0.22, 0.21, 0.22, 0.23]
        for (environment, ready, scale) in [("staging", 3.0, 0.5), ("production", 5.0, 1.0)] {
            for index in 0..<errors.count {
                let time = end.addingTimeInterval(Double(index - errors.count) * 5)
                values[environment, default: [:]]["error-rate", default: []].append(.init(time: time, value: errors[index] * scale))
                values[environment, default: [:]]["latency-p95", default: []].append(.init(time: time, value: latency[index]))
                values[environment, default: [:]]["ready", default: []].append(.init(time: time, value: ready))
            }
        }
        return LiveSamples(values)
    }
}
