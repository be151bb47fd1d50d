import Foundation
import GantryCore
import GantryStore

/// `gantry-probe bench --store PATH [--events N]`: a quick check of the store's speed targets
/// (the project's benchmark program reports the official figures).
func bench(_ options: Options, path: String) throws {
    let total = options.number("--events", default: 1_000_000)
    if options.flags.contains("--replay-only") {
        return try replayOnly(path)
    }
    try? FileManager.default.removeItem(atPath: path)
    let store = try SQLiteEventStore(path: path)

    var start = Date()
    var appended = 0
    var deploy = 0
    while appended < total {
        let events = sampleDeploy(deploy, count: min(1000, total - appended))
        _ = try store.append(events, expected: .noStream)
        appended += events.count
        deploy += 1
    }
    let batched = Double(appended) / Date().timeIntervalSince(start)
    emit(String(format: "batched append: %.0f events/s (%d events, 1000 per append)\n", batched, appended))

    start = Date()
    let durableCount = 500
    for n in 0..<durableCount {
        _ = try store.append(PendingEvent(time: Date(), actor: "ana", deploy: DeployID("durable"),
                                          payload: .approvalGiven(scope: "production", comment: "ok \(n)")))
    }
    let durable = Double(durableCount) / Date().timeIntervalSince(start)
    emit(String(format: "durable append: %.0f events/s (one decision per append, fsynced)\n", durable))
    store.close()

    try replayOnly(path)
}

/// CPU seconds used by this process so far (immune to other processes competing for the cores).
private func cpuTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

private func replayOnly(_ path: String) throws {
    var cpu = cpuTime()
    let start = Date()
    let cold = try SQLiteEventStore(path: path, readOnly: true)
    var state = GantryState()
    var count = 0
    try cold.forEach(after: 0) { event in
        Reducer.reduce(into: &state, event)
        count += 1
    }
    let replay = Date().timeIntervalSince(start)
    emit(String(format: "cold replay into full state: %.3f s wall, %.3f s CPU (%d events)\n", replay, cpuTime() - cpu, count))

    var best = Double.infinity
    for _ in 0..<3 {
        cpu = cpuTime()
        var decoded = 0
        try cold.forEach(after: 0) { _ in decoded += 1 }
        best = min(best, cpuTime() - cpu)
    }
    emit(String(format: "warm read and decode only (best of 3): %.3f s CPU\n", best))
    var all: [Event] = []
    try cold.forEach(after: 0) { all.append($0) }
    cpu = cpuTime()
    var folded = GantryState()
    for event in all { Reducer.reduce(into: &folded, event) }
    emit(String(format: "fold only: %.3f s CPU\n", cpuTime() - cpu))
}

/// One deploy's worth of events, shaped like a real one: mostly log lines, some progress and metrics.
private func sampleDeploy(_ index: Int, count: Int) -> [PendingEvent] {
    let deploy = DeployID("staging-2.1.\(index)-1732243200")
    let time = Date()
    return (0..<count).map { n in
        let payload: EventPayload
        switch n {
        case 0: payload = .deployRequested(environment: "staging", version: "2.1.\(index)",
                                           policy: DeployPolicy(strategy: "rolling", stages: [], checklists: [], approvals: []))
        case 1: payload = .deployStarted
        case 2: payload = .stageStarted(stage: "rollout", command: ["kubectl", "rollout", "status", "deployment/web"])
        case count - 1: payload = .deployFinished(outcome: .succeeded, reason: "")
        default:
            switch n % 10 {
            case 0: payload = .stageProgressed(stage: "rollout", done: n % 5, total: 5, label: "pods ready")
            case 1: payload = .metricSampled(metric: "error_rate", value: Double(n % 100) / 1000)
            default: payload = .stageLogged(stage: "rollout", stream: .stdout,
                                           line: "deployment \"web\" waiting: \(n % 5) of 5 updated replicas are available")
            }
        }
        return PendingEvent(time: time, actor: "executor", deploy: deploy, payload: payload)
    }
}
