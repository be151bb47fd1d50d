import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// Checks a deploy request against the rules and records it.
public enum DeployRequest {
    /// Validates `version` and `environment`, refuses when the environment is leased by a live
    /// executor, and appends `deploy.requested`. Returns the new deploy's id.
    public static func make(store: any EventStore, pipeline: PipelineFile, environment: String, version: String,
                            actor: String, now: Date = Date()) throws -> DeployID {
        if let problem = NameRules.versionProblem(version) {
            throw ExecutorError.refused("version '\(SafeText.sanitize(version))' is refused: \(problem)")
        }
        guard pipeline.environment(environment) != nil else {
            let known = pipeline.environments.map(\.name).joined(separator: ", ")
            throw ExecutorError.refused("no environment '\(SafeText.sanitize(environment))' in the pipeline file (known: \(known))")
        }
        guard let policy = pipeline.deployPolicy(for: environment) else {
            throw ExecutorError.refused("no stage deploys to \(environment); add `{ id: ..., deploy: \(environment) }` to stages")
        }
        var state = GantryState()
        do { state = try StateSnapshot.state(of: store) } catch { throw ExecutorError.store(error.description) }
        if let lease = state.environments[environment]?.lease, LeaseKeeper.isLive(lease, now: now) {
            throw ExecutorError.refused("environment \(environment) is being deployed by \(lease.holder) "
                                        + "(lease expires in \(Int(lease.expires.timeIntervalSince(now)))s); wait for it or roll it back")
        }
        if let active = state.environments[environment]?.activeDeploy, let deploy = state.deploys[active], !deploy.status.isFinished {
            throw ExecutorError.refused("environment \(environment) has an unfinished deploy \(active) (\(deploy.status.rawValue)) "
                                        + "and no executor holds it; resume it with `gantry resume \(active)` "
                                        + "or roll it back with `gantry rollback \(environment)`")
        }
        let plannedEnvironments = Set(policy.stages.compactMap { plan in pipeline.stage(plan.id)?.environment })
        for required in pipeline.environment(environment)?.requires ?? [] where !plannedEnvironments.contains(required) {
            let good = state.environments[required]?.knownGood ?? []
            guard good.contains(version) else {
                throw ExecutorError.refused("\(version) has not succeeded on \(required) yet; \(environment) requires it (deploy it there first)")
            }
        }
        let count = (state.environments[environment]?.deploys.count ?? 0) + 1
        let id = DeployID("\(environment)-\(version)-\(count)")
        do {
            _ = try store.append([PendingEvent(time: now, actor: actor, deploy: id,
                                           payload: .deployRequested(environment: environment, version: version, policy: policy))],
                             expected: .noStream)
        } catch {
            throw ExecutorError.store(error.description)
        }
        return id
    }
}
