import GantryCore
import GantryPipeline

/// `kubectl set image` and a watched rollout; rollback undoes to the revision that ran the
/// known-good version (`kubectl rollout undo --to-revision=N`), or sets its image when that
/// revision is no longer kept. Never "the previous revision", which may be another bad one.
struct RollingStrategy: Strategy {
    /// The watch starts alongside `set image` (it ignores the old template's statuses), so the
    /// rollout is followed from its first event without waiting for one kubectl after the other.
    /// Its last event is the Deployment rolled out: what runs now.
    func deploy(_ context: StrategyContext) async throws -> LiveState? {
        let env = context.environment
        let image = context.image.tagged(context.version)
        // Cancelled (and awaited) when `set image` throws.
        async let watched = context.watch(env.deployment, expecting: image)
        try await context.kube(context.kubectl.setImage(deployment: env.deployment, container: env.container, image: image))
        let status = try await watched
        return LiveReader(runner: context.runner, environment: env, image: context.image).live(of: status)
    }

    func rollback(_ context: StrategyContext, target: String?) async throws -> String {
        let env = context.environment
        guard let target else {
            // No known-good version: the previous revision is all there is.
            let argv = context.kubectl.rolloutUndo(deployment: env.deployment)
            try await context.kube(argv)
            _ = try await context.watch(env.deployment)
            return ShellQuote.join(argv)
        }
        let image = context.image.tagged(target)
        let argv = try await Self.rollbackCommand(context, deployment: env.deployment, image: image)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await context.watch(env.deployment, expecting: image) }
            try await context.kube(argv)
            try await group.waitForAll()
        }
        return ShellQuote.join(argv)
    }

    /// `rollout undo --to-revision=N` of the revision that ran `image`, else `set image`.
    static func rollbackCommand(_ context: StrategyContext, deployment name: String, image: String) async throws -> [String] {
        let env = context.environment
        let deployment = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", name)))
        if let selector = deployment.flatMap({ ReplicaSetRevisions.selector($0.selector) }),
           let json = try? await context.kubeJSON(context.kubectl.replicaSets(selector: selector)),
           let revision = ReplicaSetRevisions.revision(running: image, container: env.container, owner: name, in: json) {
            return context.kubectl.rolloutUndo(deployment: name, toRevision: revision)
        }
        context.recorder.log(context.stage, .system, "no kept revision runs \(image): setting the image instead")
        return context.kubectl.setImage(deployment: name, container: env.container, image: image)
    }

    func rollbackMethod(_ environment: EnvironmentSpec) -> String {
        "kubectl rollout undo deployment/\(environment.deployment)"
    }
}
