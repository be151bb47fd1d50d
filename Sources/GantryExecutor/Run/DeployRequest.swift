import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// Turns a deploy asked for by name (environment and version) into the rulebook's command, with
/// the pipeline's rules resolved and frozen now, and records it through the `Rulebook`.
public enum DeployRequest {
    /// The deploy command for `environment` and `version` under today's pipeline file: what only
    /// the file can say (does the environment exist, which stages deploy it) is checked here;
    /// every rule about the log's state is the rulebook's.
    public static func command(pipeline: PipelineFile, environment: String, version: String) throws -> Command {
        guard let spec = pipeline.environment(environment) else {
            let known = pipeline.environments.map(\.name).joined(separator: ", ")
            throw ExecutorError.refused("no environment '\(SafeText.sanitize(environment))' in the pipeline file (known: \(known))")
        }
        guard let policy = pipeline.deployPolicy(for: environment) else {
            throw ExecutorError.refused("no stage deploys to \(environment); add `{ id: ..., deploy: \(environment) }` to stages")
        }
        return .deploy(environment: environment, version: version, policy: policy, requires: spec.requires)
    }

    /// Records a deploy request through the rulebook; returns the new deploy's id.
    public static func make(store: any EventStore, pipeline: PipelineFile, environment: String, version: String,
                            actor: String, now: Date = Date()) throws -> DeployID {
        let command = try command(pipeline: pipeline, environment: environment, version: version)
        do {
            return try CommandRunner.run(command, on: store, context: .live(actor: actor, now: now)).deploy
        } catch .refused(let refusal) {
            throw ExecutorError.refused(refusal.reason)
        } catch {
            throw ExecutorError.store(error.description)
        }
    }
}

extension DecisionContext {
    /// A decision made now by `actor`, where a lease held by a process of this host that is gone
    /// (crashed, or a zombie) no longer binds.
    public static func live(actor: String, now: Date = Date()) -> DecisionContext {
        DecisionContext(actor: actor, now: now, leaseIsLive: { LeaseKeeper.isLive($0, now: $1) })
    }
}
