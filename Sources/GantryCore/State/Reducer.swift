import Foundation

/// Folds events into state. Pure, synchronous and total: every event, in any order,
/// leaves a valid state; facts about unknown deploys or items change nothing.
public enum Reducer {
    /// Folds a sequence of events into a fresh state.
    public static func fold<S: Sequence>(_ events: S, into state: GantryState = GantryState()) -> GantryState
    where S.Element == Event {
        var state = state
        for event in events { reduce(into: &state, event) }
        return state
    }

    /// Folds one event into `state`.
    public static func reduce(into state: inout GantryState, _ event: Event) {
        state.lastSeq = max(state.lastSeq, event.seq)
        state.eventCount += 1
        let logCapacity = state.logCapacity
        switch event.payload {
        case .stageLogged(let stage, let stream, let line):
            state.deploys.update(event.deploy) {
                $0.streamVersion = event.streamVersion
                $0.withStage(stage, logCapacity: logCapacity) {
                    $0.log.append(LogRing.Line(seq: event.seq, stream: stream, text: line))
                }
            }
        case .stageOutputOmitted(let stage, let lines, let bytes):
            state.deploys.update(event.deploy) {
                $0.streamVersion = event.streamVersion
                $0.withStage(stage, logCapacity: logCapacity) {
                    // One marker line where the output was cut, updated by each later report.
                    let marker = LogRing.Line(seq: event.seq, stream: .system,
                                              text: "… " + OmittedOutput.describe(lines: lines, bytes: bytes) + " …")
                    if let previous = $0.omittedOutput, $0.log.last?.seq == previous.markerSeq {
                        $0.log.replaceLast(marker)
                    } else {
                        $0.log.append(marker)
                    }
                    $0.omittedOutput = OmittedOutput(lines: lines, bytes: bytes, markerSeq: event.seq)
                }
            }
        case .stageProgressed(let stage, let done, let total, let label):
            state.deploys.update(event.deploy) {
                $0.streamVersion = event.streamVersion
                $0.withStage(stage, logCapacity: logCapacity) {
                    $0.progress = StageProgress(done: done, total: total, label: label)
                }
            }
        case .metricSampled(let metric, let value):
            let capacity = state.metricCapacity
            state.deploys.update(event.deploy) {
                $0.streamVersion = event.streamVersion
                $0.sample(metric, value: value, at: event.time, capacity: capacity)
            }
        case .deployRequested(let environment, let version, let policy):
            requestDeploy(into: &state, event, environment: environment, version: version, policy: policy)
        case .leaseAcquired(let environment, let holder, let expires):
            state.environments[environment, default: EnvironmentState(name: environment)].lease =
                Lease(holder: holder, acquiredAt: event.time, expires: expires)
        case .environmentClaimed(let environment, let deploy, _):
            var env = state.environments[environment] ?? EnvironmentState(name: environment)
            env.streamVersion = event.streamVersion
            env.activeDeploy = deploy
            state.environments[environment] = env
        case .environmentObserved(let environment, let cause, let live, let deploy, let drift):
            var env = state.environments[environment] ?? EnvironmentState(name: environment)
            env.streamVersion = event.streamVersion
            env.observe(live, cause: cause, by: deploy, drift: drift, at: event.time)
            // A rolled-back version is never good again here (the rollback target, `requires:`).
            if cause == .rolledBack, let rolledBack = state.deploys[deploy]?.version {
                env.dropGood(rolledBack)
            }
            state.environments[environment] = env
        case .environmentVerified(let environment, let version, let deploy):
            var env = state.environments[environment] ?? EnvironmentState(name: environment)
            env.streamVersion = event.streamVersion
            env.recordGood(version, by: deploy)
            state.environments[environment] = env
        case .leaseReleased(let environment, let holder):
            if state.environments[environment]?.lease?.holder == holder {
                state.environments[environment]?.lease = nil
            }
        case .unrecognized:
            return
        default:
            let metricCapacity = state.metricCapacity
            var environment: String?
            state.deploys.update(event.deploy) {
                environment = $0.environment
                $0.streamVersion = event.streamVersion
                $0.apply(event, logCapacity: logCapacity, metricCapacity: metricCapacity)
            }
            guard let environment else { return }
            updateEnvironment(&state, environment: environment, after: event)
        }
    }

    private static func requestDeploy(into state: inout GantryState, _ event: Event,
                                      environment: String, version: String, policy: DeployPolicy) {
        guard !state.deploys.contains(event.deploy) else { return }
        var env = state.environments[environment] ?? EnvironmentState(name: environment)
        var deploy = DeployState(id: event.deploy, environment: environment, version: version, policy: policy,
                                 requestedBy: event.actor, requestedAt: event.time,
                                 rollbackTarget: env.rollbackTarget(replacing: version),
                                 logCapacity: state.logCapacity)
        deploy.streamVersion = event.streamVersion
        for metric in policy.metrics { deploy.plan(metric, capacity: state.metricCapacity) }
        deploy.audit.append(AuditEntry(seq: event.seq, time: event.time, actor: event.actor,
                                       kind: .deployRequested, text: "requested \(version) to \(environment)"))
        env.deploys.append(event.deploy)
        env.activeDeploy = event.deploy
        state.environments[environment] = env
        state.deploys[event.deploy] = deploy
    }

    /// A deploy's end frees its environment for the next one. (What runs there changes only by
    /// the environment's own `environment.observed` events.)
    private static func updateEnvironment(_ state: inout GantryState, environment: String, after event: Event) {
        guard case .deployFinished = event.payload, state.environments[environment]?.activeDeploy == event.deploy else { return }
        state.environments[environment]?.activeDeploy = nil
    }
}
