import Foundation
import GantryCore
import GantryPipeline

/// Everything a strategy needs to deploy or roll back one environment.
struct StrategyContext: Sendable {
    let runner: any ProcessRunner
    let recorder: Recorder
    let stage: String
    let environment: EnvironmentSpec
    let image: ImageReference
    let version: String
    let timeout: Double
    /// Samples the pipeline's metrics for `seconds`; throws `.criticalMetric` when one turns critical
    /// and the policy rolls back on it.
    var analyse: @Sendable (_ seconds: Double) async throws -> Void
    /// Checks the new version through the environment's preview endpoint before it takes
    /// traffic (health N in a row, then the verification window); throws when it fails.
    var checkPreview: @Sendable () async throws -> Void = {}

    var kubectl: Kubectl { Kubectl(context: environment.kube.context, namespace: environment.kube.namespace) }

    /// Runs a kubectl command, streaming its output into the stage log; throws on failure.
    @discardableResult
    func kube(_ argv: [String]) async throws -> [String] {
        let recorder = self.recorder, stage = self.stage
        recorder.log(stage, .system, "$ " + ShellQuote.join(argv))
        let output = LineBox()
        let result = try await runner.run(ProcessCommand(argv, timeout: timeout)) { stream, line in
            if stream == .stdout { output.append(line) }
            recorder.log(stage, stream, line)
        }
        if result.timedOut { throw ExecutorError.timedOut(command: ShellQuote.join(argv), seconds: timeout) }
        guard result.status == 0 else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result.status,
                                              lastLine: output.lines.last ?? "")
        }
        return output.lines
    }

    /// Runs a kubectl command whose JSON output is parsed but not logged line by line.
    func kubeJSON(_ argv: [String]) async throws -> String {
        recorder.log(stage, .system, "$ " + ShellQuote.join(argv))
        let (result, lines) = try await runner.collect(ProcessCommand(argv, timeout: timeout)) { [recorder, stage] line in
            recorder.log(stage, .stderr, line)
        }
        guard result.succeeded else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result.status, lastLine: "")
        }
        return lines.joined(separator: "\n")
    }

    /// Runs a read-only kubectl whose JSON output is parsed and not logged at all (periodic reads).
    func quietJSON(_ argv: [String]) async throws -> String {
        let (result, lines) = try await runner.collect(ProcessCommand(argv, timeout: min(timeout, 10)))
        guard result.succeeded else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result.status, lastLine: "")
        }
        return lines.joined(separator: "\n")
    }

    /// Follows `deployment`'s rollout; on a stuck rollout, explains what the pods are doing.
    /// With `expecting`, statuses whose pod template does not run that image yet are ignored, so
    /// the watch may start before the change that starts the rollout.
    func watch(_ deployment: String, label: String = "pods ready", expecting image: String? = nil) async throws -> DeploymentStatus {
        do {
            var watch = RolloutWatch(runner: runner, recorder: recorder, kubectl: kubectl, stage: stage,
                                     deployment: deployment, timeout: timeout)
            watch.label = label
            watch.expectedImage = image
            watch.diagnose = { [self] in
                guard let pods = try? await quietJSON(kubectl.pods(selector: "app=\(environment.deployment)")) else { return nil }
                return PodDiagnosis.explain(podListJSON: pods)
            }
            return try await watch.run()
        } catch let error as ExecutorError {
            throw await explained(error, deployment: deployment)
        }
    }

    private func explained(_ error: ExecutorError, deployment: String) async -> ExecutorError {
        let selector = "app=\(environment.deployment)"
        guard let pods = try? await kubeJSON(kubectl.pods(selector: selector)),
              let why = PodDiagnosis.explain(podListJSON: pods) else { return error }
        switch error {
        case .progressDeadline(let waiting): return .progressDeadline("\(waiting); \(why)")
        case .timedOut: return .progressDeadline("timed out: \(why)")
        case .rolloutStuck(let seconds, let waiting): return .rolloutStuck(seconds: seconds, waiting: "\(waiting); \(why)")
        default: return error
        }
    }
}

/// How one strategy deploys and rolls back.
protocol Strategy: Sendable {
    /// Rolls `context.version` out; throws on failure (the executor then applies the rollback
    /// policy). Returns what runs once it is done when the strategy saw it whole (the rolling
    /// watch's last Deployment), so the executor need not run kubectl once more to read it; nil
    /// when it must be read.
    func deploy(_ context: StrategyContext) async throws -> LiveState?
    /// Returns to the last known-good state at once (no canary re-run, no analysis), returning
    /// what was done in one line, e.g. `kubectl rollout undo deployment/web`.
    func rollback(_ context: StrategyContext, target: String?) async throws -> String
    /// How a rollback would be done, for the console, before one is needed.
    func rollbackMethod(_ environment: EnvironmentSpec) -> String
}

enum Strategies {
    static func of(_ environment: EnvironmentSpec) -> any Strategy {
        switch environment.strategy {
        case .rolling: RollingStrategy()
        case .blueGreen(let options): BlueGreenStrategy(options: options)
        case .canary(let options): CanaryStrategy(options: options)
        }
    }
}
