import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// What one stage does, by its kind.
struct StageBody {
    let run: DeployRun
    let spec: StageSpec

    var recorder: Recorder { run.recorder }
    var timeout: Double { spec.timeoutSeconds.map(Double.init) ?? run.settings.defaultTimeout }
    /// `${env}` of this stage: the environment it works for, else the deploy's target.
    var environment: String { run.pipeline.environment(ofStage: spec.id) ?? run.deploy.environment }

    func run() async throws {
        switch spec.kind {
        case .run(let argv):
            let command = argv.map { run.expand($0, environment: environment) }
            try recorder.record(.stageStarted(stage: spec.id, command: command))
            try await execute(command) { _ in }
        case .dockerBuild(let context, let tag, let dockerfile):
            var command = ["docker", "build", "-t", run.expand(tag, environment: environment)]
            if let dockerfile { command += ["-f", run.expand(dockerfile, environment: environment)] }
            command.append(run.expand(context, environment: environment))
            try recorder.record(.stageStarted(stage: spec.id, command: command))
            try await execute(command, environment: ["DOCKER_BUILDKIT": "0"]) { line in
                if let (done, total) = DockerProgress.buildStep(line) {
                    recorder.note(.stageProgressed(stage: spec.id, done: done, total: total, label: "build step \(done)/\(total)"))
                }
            }
        case .dockerPush(let tag):
            let command = ["docker", "push", run.expand(tag, environment: environment)]
            try recorder.record(.stageStarted(stage: spec.id, command: command))
            let layers = Counter()
            try await execute(command) { line in
                if DockerProgress.isPushedLayer(line) {
                    let count = layers.increment()
                    recorder.note(.stageProgressed(stage: spec.id, done: count, total: 0, label: "\(count) layers pushed"))
                } else if let digest = DockerProgress.pushedDigest(line) {
                    recorder.note(.stageProgressed(stage: spec.id, done: 1, total: 1, label: "pushed \(digest)"))
                }
            }
        case .dockerRun(let argv):
            try await dockerRun(argv.map { run.expand($0, environment: environment) })
        case .deploy(let name):
            try await deploy(to: name)
        case .gate:
            try recorder.record(.stageStarted(stage: spec.id, command: []))
            try await GateWaiter(store: run.executor.store, recorder: recorder, runner: run.executor.runner,
                                 deploy: run.deploy.id, gate: spec.id,
                                 placeholders: { [run] text in Template(text).expanded(run.pipeline.placeholderValues(
                                     version: run.deploy.version, environment: run.deploy.environment)) },
                                 timeout: run.settings.gateTimeout, directory: run.settings.workingDirectory).run()
        case .monitor(let name, let seconds):
            try recorder.record(.stageStarted(stage: spec.id, command: []))
            guard let environment = run.pipeline.environment(name) else { return }
            let policy = run.pipeline.rollback
            try await run.analyzer(for: environment).analyse(seconds: Double(seconds),
                                                              stopOnCritical: policy.rollsBack(on: .criticalMetric),
                                                              stopOnHealth: policy.rollsBack(on: .failedHealth))
        }
    }

    private func deploy(to name: String) async throws {
        guard let environment = run.pipeline.environment(name) else {
            throw ExecutorError.refused("environment \(name) is no longer in the pipeline file")
        }
        if let problem = NameRules.versionProblem(run.deploy.version) {
            throw ExecutorError.refused("version refused: \(problem)")
        }
        try recorder.record(.stageStarted(stage: spec.id, command: []))
        // Another environment deployed on the way (staging inside a production deploy) is held
        // under its own lease for the stage, like its own deploys are: never two at once.
        var lease: LeaseKeeper?
        if name != run.deploy.environment {
            let state = try StateSnapshot.state(of: run.executor.store)
            if let active = state.environments[name]?.activeDeploy, let other = state.deploys[active], !other.status.isFinished {
                throw ExecutorError.refused("\(name) has a deploy of its own in progress (\(active): \(other.version), "
                    + "\(other.status.rawValue)); stage \(spec.id) cannot deploy \(name) now")
            }
            let keeper = LeaseKeeper(store: run.executor.store, environment: name, holder: run.settings.holder,
                                     seconds: run.settings.leaseSeconds)
            try keeper.acquire()
            lease = keeper
        }
        defer { lease?.release() }
        run.markTouched()
        let context = run.strategyContext(stage: spec.id, environment: environment, timeout: timeout)
        let seen: LiveState?
        do {
            seen = try await Strategies.of(environment).deploy(context)
        } catch {
            // What the failed (or cancelled) rollout left is recorded, if it changed anything.
            await run.observe(environment, cause: .deployed, stage: spec.id, onlyIfChanged: true)
            throw error
        }
        await run.observe(environment, cause: .deployed, stage: spec.id, seen: seen)
        let analyzer = run.analyzer(for: environment)
        if let problem = await analyzer.healthProblem(successes: environment.verify.healthSuccesses) {
            throw ExecutorError.healthFailed(problem)
        }
        // Canary analyses between its steps; rolling and blue-green are verified here.
        if case .canary = environment.strategy {} else if environment.verify.seconds > 0, analyzer.hasSignals {
            let window = environment.verify
            recorder.log(spec.id, .system, "verifying \(run.deploy.version) on \(name) for \(window.seconds)s "
                + "(metrics and health every \(window.interval)s)")
            try await analyzer.verify(window, stage: spec.id)
            recorder.log(spec.id, .system, "verified: \(window.seconds)s without a critical metric or a failed health check")
        }
        if name != run.deploy.environment {
            // Deployed on the way and passed its checks: verified there (the deploy's own
            // environment is verified when the whole deploy succeeds).
            recorder.note(environment: name, .environmentVerified(environment: name, version: run.deploy.version,
                                                                   deploy: run.deploy.id))
        }
    }

    /// `docker run` without `--rm` (podman answers 0 for every `--rm` run), named so the container
    /// can be removed afterwards; its exit status decides.
    private func dockerRun(_ argv: [String]) async throws {
        let name = "gantry-\(spec.id)-\(UInt32.random(in: 0...UInt32.max))"
        let command = ["docker", "run", "--name", name] + argv.filter { $0 != "--rm" }
        try recorder.record(.stageStarted(stage: spec.id, command: command))
        do {
            try await execute(command) { _ in }
        } catch {
            await removeContainer(name)
            throw error
        }
        await removeContainer(name)
    }

    /// `docker rm -f NAME`, waited for even when the stage was cancelled (a detached task does
    /// not inherit the cancellation), so no container outlives the executor.
    private func removeContainer(_ name: String) async {
        let runner = run.executor.runner
        await Task.detached {
            _ = try? await runner.run(ProcessCommand(["docker", "rm", "-f", name], timeout: 30)) { _, _ in }
        }.value
    }

    /// Runs a command, streaming its output into the stage log; throws on failure or timeout.
    private func execute(_ argv: [String], environment: [String: String] = [:],
                         onStdout: @escaping @Sendable (String) -> Void) async throws {
        let recorder = self.recorder, stage = spec.id
        recorder.log(stage, .system, "$ " + ShellQuote.join(argv))
        let last = LineBox(keep: 1)
        let result: CommandResult
        do {
            result = try await run.executor.runner.run(ProcessCommand(argv, environment: environment, timeout: timeout,
                                                                   directory: run.settings.workingDirectory)) { stream, line in
                recorder.log(stage, stream, line)
                last.append(line)
                if stream == .stdout { onStdout(line) }
            }
        } catch let error as CommandError {
            throw ExecutorError.refused(error.description)
        }
        try Task.checkCancellation()
        if result.timedOut { throw ExecutorError.timedOut(command: ShellQuote.join(argv), seconds: timeout) }
        guard result.status == 0 else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result.status,
                                              lastLine: SafeText.sanitize(last.lines.last ?? ""))
        }
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
