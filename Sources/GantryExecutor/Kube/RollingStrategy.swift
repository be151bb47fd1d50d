import GantryCore
import GantryPipeline

/// `kubectl set image` and a watched rollout; rollback is `kubectl rollout undo`.
struct RollingStrategy: Strategy {
    func deploy(_ context: StrategyContext) async throws {
        let env = context.environment
        try await context.kube(context.kubectl.setImage(deployment: env.deployment, container: env.container,
                                                        image: context.image.tagged(context.version)))
        _ = try await context.watch(env.deployment)
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
