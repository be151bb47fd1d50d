import ArgumentParser
import Foundation
import GantryCore
import GantryExecutor
import GantryPipeline
import GantryStore

/// `gantry status [ENV] [--json]`: per environment, what runs there, what is known-good, where a
/// rollback would go and how, who holds it, and what its deploy waits for.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What runs in each environment, its known-good versions, rollback target, lease and current deploy.",
        discussion: """
        The live version is what the event log says the last deploy, stage or rollback put there. \
        Reconciling with the cluster (reading the live image with kubectl) is not done yet.
        """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "One environment (default: all).")
    var environment: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let (_, state) = try options.loadState()
        let pipeline = try? PipelineLoader.load(path: options.file)
        var names = pipeline?.environments.map(\.name) ?? []
        for name in state.environmentNames where !names.contains(name) { names.append(name) }
        if let environment {
            guard names.contains(environment) else {
                throw CLIError("no environment '\(SafeText.sanitize(environment))' (known: \(names.joined(separator: ", ")))")
            }
            names = [environment]
        }
        let rows = names.map { EnvironmentStatus(name: $0, state: state, pipeline: pipeline) }
        if json {
            print("[" + rows.map(\.json).joined(separator: ",\n ") + "]")
        } else if environment != nil, let row = rows.first {
            print(row.detail)
        } else {
            print(TextTable.render(header: ["ENV", "LIVE", "KNOWN-GOOD", "ROLLBACK TO", "LEASE", "DEPLOY"], rows: rows.map(\.row)))
        }
    }
}

/// One environment's facts, as the log has them.
struct EnvironmentStatus {
    var name: String
    var live: String?
    var liveSince: Date?
    var liveBy: DeployID?
    var knownGood: [String]
    var rollbackTarget: String?
    var rollbackHow: String
    var lease: Lease?
    var leaseLive: Bool
    var deploy: DeployState?

    init(name: String, state: GantryState, pipeline: PipelineFile?) {
        let env = state.environments[name]
        self.name = name
        live = env?.currentVersion
        liveSince = env?.liveSince
        liveBy = env?.liveBy
        knownGood = (env?.knownGood ?? []).reversed()
        rollbackTarget = env?.rollbackTarget
        let strategy = pipeline?.environment(name)?.strategy.name ?? state.latestDeploy(in: name)?.policy.strategy ?? ""
        rollbackHow = switch strategy {
        case "canary": "scale the canary to 0"
        case "blue-green": "switch the service back to the other colour"
        case "rolling": "kubectl rollout undo to the known-good revision"
        default: ""
        }
        lease = env?.lease
        leaseLive = env?.lease.map { Executor.leaseIsLive($0) } ?? false
        deploy = env?.activeDeploy.flatMap { state.deploys[$0] }.flatMap { $0.status.isFinished ? nil : $0 }
    }

    var leaseText: String {
        guard let lease, leaseLive else { return "-" }
        return "\(lease.holder) (expires in \(max(0, Int(lease.expires.timeIntervalSinceNow)))s)"
    }

    var row: [String] {
        [name, live ?? "-", knownGood.first ?? "-", rollbackTarget ?? "-", leaseText,
         deploy.map { "\($0.id.rawValue) \($0.status.rawValue)" + ($0.now.map { ": \($0)" } ?? "") } ?? "-"]
    }

    var detail: String {
        var lines = [name]
        let since = liveSince.map { " since \(TimeText.short($0))" } ?? ""
        lines.append("  live:        \(live ?? "nothing deployed by Gantry yet")\(since)\(liveBy.map { ", by \($0)" } ?? "")")
        lines.append("  known-good:  \(knownGood.isEmpty ? "none" : knownGood.joined(separator: ", "))")
        lines.append("  rollback:    " + (rollbackTarget.map { "to \($0)" + (rollbackHow.isEmpty ? "" : " (\(rollbackHow))")
            + " — gantry rollback \(name)" } ?? "no known-good version to roll back to"))
        lines.append("  lease:       \(leaseText == "-" ? "free" : leaseText)")
        lines.append("  deploy:      " + (deploy.map { "\($0.id) (\($0.version)) \($0.status.rawValue)" + ($0.now.map { " — \($0)" } ?? "") }
            ?? "none in progress"))
        return lines.map(SafeText.sanitize).joined(separator: "\n")
    }

    var json: String {
        func string(_ text: String?) -> String { text.map { EventJSON.string($0) } ?? "null" }
        var fields: [String] = []
        fields.append("\"environment\":\(string(name))")
        fields.append("\"live\":" + (live.map { version in
            "{\"version\":\(string(version)),\"since\":\(string(liveSince.map(EventJSON.timestamp))),\"by\":\(string(liveBy?.rawValue)),\"source\":\"log\"}"
        } ?? "null"))
        fields.append("\"knownGood\":[" + knownGood.map { string($0) }.joined(separator: ",") + "]")
        fields.append("\"rollback\":" + (rollbackTarget.map { "{\"target\":\(string($0)),\"how\":\(string(rollbackHow))}" } ?? "null"))
        fields.append("\"lease\":" + (lease.flatMap { lease in leaseLive
            ? "{\"holder\":\(string(lease.holder)),\"expires\":\(string(EventJSON.timestamp(lease.expires)))}" : nil } ?? "null"))
        fields.append("\"deploy\":" + (deploy.map { deploy in
            "{\"id\":\(string(deploy.id.rawValue)),\"version\":\(string(deploy.version)),\"status\":\(string(deploy.status.rawValue)),"
                + "\"now\":\(string(deploy.now))}"
        } ?? "null"))
        return "{" + fields.joined(separator: ",") + "}"
    }
}
