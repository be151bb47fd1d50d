import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// What one reconcile found in one environment.
public struct Reconciliation: Sendable, Equatable {
    public var environment: String
    /// What kubectl showed; nil when it could not be read (see `problem`).
    public var live: LiveState?
    /// How the cluster differs from what Gantry last put there; nil when it matches.
    public var drift: String?
    public var problem: String?
}

/// Reads what runs in each environment with kubectl and records it on the environment's stream
/// (`environment.observed`, cause `reconciled`), with the drift from what Gantry last left
/// there. The executor agent reconciles on start; `gantry reconcile` and `gantry status
/// --reconcile` on demand.
public struct Reconciler: Sendable {
    let store: any EventStore
    let pipeline: PipelineFile
    let runner: any ProcessRunner
    let actor: String

    public init(store: any EventStore, pipeline: PipelineFile, runner: any ProcessRunner = SubprocessRunner(), actor: String) {
        self.store = store
        self.pipeline = pipeline
        self.runner = runner
        self.actor = actor
    }

    /// Reconciles `names` (default: every environment of the pipeline), in file order. Throws
    /// only when the store cannot be read or written.
    public func reconcile(_ names: [String]? = nil) async throws -> [Reconciliation] {
        let environments = pipeline.environments.filter { names?.contains($0.name) ?? true }
        var found: [Reconciliation] = []
        for environment in environments {
            let reader = LiveReader(runner: runner, environment: environment, image: pipeline.image)
            let live: LiveState
            do {
                live = try await reader.read()
            } catch {
                found.append(Reconciliation(environment: environment.name, problem: "\(error)"))
                continue
            }
            let state = try StateSnapshot.state(of: store)
            let env = state.environments[environment.name] ?? EnvironmentState(name: environment.name)
            let drift = env.drift(from: live)
            let redactor = Redactor(secrets: [])
            var clean = live
            clean.image = SafeText.sanitize(redactor.redact(live.image))
            clean.detail = SafeText.sanitize(clean.detail)
            _ = try store.append([PendingEvent(time: Date(), actor: actor, deploy: .environment(environment.name),
                                               payload: .environmentObserved(environment: environment.name, cause: .reconciled,
                                                                             live: clean, deploy: DeployID(""), drift: drift ?? ""))],
                                 expected: .any)
            found.append(Reconciliation(environment: environment.name, live: clean, drift: drift))
        }
        return found
    }
}
