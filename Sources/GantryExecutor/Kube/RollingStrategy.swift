import GantryCore
import GantryPipeline

/// `kubectl set image` and a watched rollout; rollback is `kubectl rollout undo`.
struct RollingStrategy: Strategy {
    /// The watch starts alongside `set image` (it ignores the old template's statuses), so the
    /// rollout is followed from its first event without waiting for one kubectl after the other.
    func deploy(_ context: StrategyContext) async throws {
        let env = context.environment
        let image = context.image.tagged(context.version)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await context.watch(env.deployment, expecting: image) }
            try await context.kube(context.kubectl.setImage(deployment: env.deployment, container: env.container, image: image))
            try await group.waitForAll()
        }
    }

    func rollback(_ context: StrategyContext, target: String?) async throws -> String {
        let env = context.environment
        let argv = context.kubectl.rolloutUndo(deployment: env.deployment)
        try await context.kube(argv)
        _ = try await context.watch(env.deployment)
        return ShellQuote.join(argv)
    }

    func rollbackMethod(_ environment: EnvironmentSpec) -> String {
        "kubectl rollout undo deployment/\(environment.deployment)"
    }
}
