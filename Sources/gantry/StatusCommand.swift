import ArgumentParser
import Foundation
import GantryCore
import GantryExecutor
import GantryPipeline
import GantryStore

/// `gantry status [ENV] [--json]`: per environment, what runs there, what is known-good, where a
/// rollback would go and how, who holds it, and what its deploy waits for.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What runs in each environment, its known-good versions, rollback target, lease and current deploy.",
        discussion: """
        The live version is what kubectl showed the executor after the last deploy, rollback or \
        reconcile (with the time it was read), as recorded on the environment's stream. \
        --reconcile reads the cluster first (as `gantry reconcile` does).
        """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "One environment (default: all).")
    var environment: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Flag(name: .long, help: "Read what runs with kubectl first, and record it.")
    var reconcile = false

    @OptionGroup var actor: ActorOption

    func run() async throws {
        if reconcile {
            let pipeline = try options.loadPipeline()
            let store = try options.openWritable()
            let found = try await ReconcileCommand.reconcile(pipeline: pipeline, store: store, actor: actor.resolve(),
                                                             names: environment.map { [$0] })
            var stderr = StandardError()
            for item in found where item.problem != nil { print("warning: \(ReconcileCommand.lines([item])[0])", to: &stderr) }
        }
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
    var env: EnvironmentState?
    var knownGood: [String]
    var rollbackTarget: String?
    /// Why the rulebook would refuse `gantry rollback ENV` now (nil: it would accept it).
    var rollbackRefusal: String?
    var rollbackHow: String
    var lease: Lease?
    var leaseLive: Bool
    var deploy: DeployState?

    init(name: String, state: GantryState, pipeline: PipelineFile?) {
        let env = state.environments[name]
        self.name = name
        self.env = env
        knownGood = (env?.knownGood ?? []).reversed()
        // The rollback the rulebook would do now: of the deploy that put the live version there.
        if let deploy = Rulebook.deployToRollBack(name, state),
           let step = RollbackPlan.steps(of: deploy, in: state).first(where: { $0.environment == name }) {
            rollbackTarget = step.to
        } else {
            rollbackTarget = env?.rollbackTarget
        }
        // The rulebook is asked, so the status never offers what `gantry rollback` would refuse.
        if case .failure(let refusal) = Rulebook.decide(.rollback(environment: name, reason: ""), state: state,
                                                        context: DecisionContext(actor: "status", now: Date(),
                                                                                 leaseIsLive: { Executor.leaseIsLive($0, now: $1) })) {
            rollbackRefusal = refusal.reason
        }
        let strategy = pipeline?.environment(name)?.strategy.name ?? state.latestDeploy(in: name)?.policy.strategy ?? ""
        rollbackHow = switch strategy {
        case "canary": "scale the canary to 0; stable back to the known-good revision if it was promoted"
        case "blue-green": "switch the service back to the warm colour, set to the known-good image if it runs another"
        case "rolling": "kubectl rollout undo to the known-good revision"
        default: ""
        }
        lease = env?.lease
        leaseLive = env?.lease.map { Executor.leaseIsLive($0) } ?? false
        deploy = env?.activeDeploy.flatMap { state.deploys[$0] }.flatMap { $0.status.isFinished ? nil : $0 }
    }

    var live: LiveState? { env?.live }

    var liveText: String {
        guard let live else { return "-" }
        return (live.version.isEmpty ? live.image : live.version) + (env?.drift == nil ? "" : " DRIFT")
    }

    var leaseText: String {
        guard let lease, leaseLive else { return "-" }
        return "\(lease.holder) (expires in \(max(0, Int(lease.expires.timeIntervalSinceNow)))s)"
    }

    var row: [String] {
        [name, liveText, knownGood.first ?? "-", rollbackTarget ?? "-", leaseText,
         deploy.map { "\($0.id.rawValue) \($0.status.rawValue)" + ($0.now.map { ": \($0)" } ?? "") } ?? "-"]
    }

    var detail: String {
        var lines = [name]
        if let live, let env {
            let since = env.liveSince.map { " since \(TimeText.short($0))" } ?? ""
            let by = env.liveBy.map { ", \(env.liveCause == .rolledBack ? "rolled back" : "deployed") by \($0)" } ?? ""
            lines.append("  live:        \(live.summary)\(since)\(by)")
            lines.append("  read:        \(env.observedAt.map(TimeText.short) ?? "?") (\(env.liveCause?.word ?? "?"))")
            if let drift = env.drift { lines.append("  DRIFT:       \(drift)") }
        } else {
            lines.append("  live:        not read yet (`gantry reconcile \(name)` reads it)")
        }
        lines.append("  known-good:  \(knownGood.isEmpty ? "none" : knownGood.joined(separator: ", "))")
        if let rollbackRefusal {
            lines.append("  rollback:    not now: \(rollbackRefusal)")
        } else {
            lines.append("  rollback:    " + (rollbackTarget.map { "to \($0)" } ?? "to the previous revision (no known-good version)")
                + (rollbackHow.isEmpty ? "" : " (\(rollbackHow))") + " — gantry rollback \(name)")
        }
        lines.append("  lease:       \(leaseText == "-" ? "free" : leaseText)")
        lines.append("  deploy:      " + (deploy.map { "\($0.id) (\($0.version)) \($0.status.rawValue)" + ($0.now.map { " — \($0)" } ?? "") }
            ?? "none in progress"))
        return lines.map(SafeText.sanitize).joined(separator: "\n")
    }

    var json: String {
        func string(_ text: String?) -> String { text.map { EventJSON.string($0) } ?? "null" }
        var fields: [String] = []
        fields.append("\"environment\":\(string(name))")
        fields.append("\"live\":" + (live.map { live in
            "{\"version\":\(string(live.version)),\"image\":\(string(live.image)),\"revision\":\(live.revision),"
                + "\"ready\":\(live.ready),\"desired\":\(live.desired),\"detail\":\(string(live.detail)),"
                + "\"since\":\(string(env?.liveSince.map(EventJSON.timestamp))),\"by\":\(string(env?.liveBy?.rawValue)),"
                + "\"cause\":\(string(env?.liveCause?.word)),\"read\":\(string(env?.observedAt.map(EventJSON.timestamp))),"
                + "\"drift\":\(string(env?.drift))}"
        } ?? "null"))
        fields.append("\"knownGood\":[" + knownGood.map { string($0) }.joined(separator: ",") + "]")
        fields.append("\"rollback\":{\"target\":\(string(rollbackTarget)),\"how\":\(string(rollbackHow)),"
            + "\"refused\":\(string(rollbackRefusal))}")
        fields.append("\"lease\":" + (lease.flatMap { lease in leaseLive
            ? "{\"holder\":\(string(lease.holder)),\"expires\":\(string(EventJSON.timestamp(lease.expires)))}" : nil } ?? "null"))
        fields.append("\"deploy\":" + (deploy.map { deploy in
            "{\"id\":\(string(deploy.id.rawValue)),\"version\":\(string(deploy.version)),\"status\":\(string(deploy.status.rawValue)),"
                + "\"now\":\(string(deploy.now))}"
        } ?? "null"))
        return "{" + fields.joined(separator: ",") + "}"
    }
}
