import Foundation
import GantryCore

/// A deterministic stream of events shaped like real deploys: a few requests and decisions,
/// and mostly log lines, progress and metric samples.
enum Workload {
    static let deployCount = 10

    static func policy() -> DeployPolicy {
        DeployPolicy(strategy: "canary",
                     stages: ["build", "push", "staging", "gate", "production", "watch"].map { StagePlan(id: $0, summary: $0) },
                     checklists: [ChecklistPlan(id: "pre-deploy", items: [ChecklistItemPlan(id: "backup", text: "Backup")])],
                     approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["alice", "bob"])])
    }

    /// `count` pending events; event `i` belongs to deploy `i % deployCount`.
    static func pending(count: Int, start: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> [PendingEvent] {
        let deploys = (0..<deployCount).map { DeployID("production-1.0.\($0)") }
        let stages = ["build", "push", "staging", "production"]
        let lines = (0..<64).map { "Step \($0)/64 : RUN make target-\($0) && echo done; pods ready \($0 % 5)/5" }
        var events: [PendingEvent] = []
        events.reserveCapacity(count)
        for index in 0..<count {
            let deploy = deploys[index % deployCount]
            let time = start.addingTimeInterval(Double(index) / 1000)
            let payload: EventPayload
            if index < deployCount {
                payload = .deployRequested(environment: "env-\(index)", version: "1.0.\(index)", policy: policy())
            } else {
                switch index % 10 {
                case 0, 1, 2, 3, 4, 5: payload = .stageLogged(stage: stages[index % 4], stream: .stdout, line: lines[index % 64])
                case 6, 7: payload = .stageProgressed(stage: stages[index % 4], done: index % 5, total: 5, label: "pods ready")
                default: payload = .metricSampled(metric: index % 2 == 0 ? "error-rate" : "latency-p95", value: Double(index % 100) / 1000)
                }
            }
            events.append(PendingEvent(time: time, actor: "executor", deploy: deploy, payload: payload))
        }
        return events
    }

    /// The same events, numbered as a store would number them.
    static func numbered(count: Int) -> [Event] {
        var versions: [DeployID: Int64] = [:]
        return pending(count: count).enumerated().map { index, event in
            let version = (versions[event.deploy] ?? 0) + 1
            versions[event.deploy] = version
            return event.numbered(seq: Int64(index + 1), streamVersion: version)
        }
    }
}
