/// One environment a rollback restores: what runs there now and what it goes back to.
public struct RollbackStep: Sendable, Equatable {
    public var environment: String
    /// The version live there now (nil when never read).
    public var from: String?
    /// The known-good version it goes back to; nil when there is none (the previous revision).
    public var to: String?

    public init(environment: String, from: String?, to: String?) {
        self.environment = environment
        self.from = from
        self.to = to
    }

    /// "staging 2.0.0-bad → 2.0.0".
    public var text: String {
        "\(environment) \(from ?? "?") → \(to ?? "the previous revision")"
    }
}

/// What rolling a deploy back does, decided once for the rulebook's summary, the console's
/// dialog, the CLI's messages and the executor: every environment the deploy changed and that
/// still runs what it put there (not one where another deploy had verified that version
/// before), its own environment first, each to its last known-good version other than the deploy's.
public enum RollbackPlan {
    public static func steps(of deploy: DeployState, in state: GantryState) -> [RollbackStep] {
        var names = [deploy.environment]
        for name in deploy.policy.stages.compactMap(\.environment) where !names.contains(name) { names.append(name) }
        return names.compactMap { name -> RollbackStep? in
            let env = state.environments[name] ?? EnvironmentState(name: name)
            guard deploy.touched(name) else { return nil }
            if name != deploy.environment, let other = env.liveBy, other != deploy.id,
               (state.deploys[other]?.requestedAt ?? .distantPast) > deploy.requestedAt {
                return nil  // a newer deploy changed it since: this one's change is gone
            }
            if name != deploy.environment, env.currentVersion == deploy.version,
               let verifier = env.verifiedBy[deploy.version], verifier != deploy.id {
                // Another deploy verified this version here first: this one only went through it
                // on its way, and a rollback of it leaves it as it was.
                return nil
            }
            return RollbackStep(environment: name, from: env.liveBy == deploy.id ? env.currentVersion : deploy.version,
                                to: env.rollbackTarget(replacing: deploy.version))
        }
    }
}
