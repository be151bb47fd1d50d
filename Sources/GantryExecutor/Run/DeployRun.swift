import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// One executor pass over one deploy.
final class DeployRun: @unchecked Sendable {
    let executor: Executor
    /// The pipeline the deploy was requested under (frozen into its request).
    let pipeline: PipelineFile
    let deploy: DeployState
    let environment: EnvironmentSpec
    let recorder: Recorder
    private let lock = NSLock()
    private var rollbackIntent: (by: String, reason: String)?
    private var cancelIntent: (by: String, reason: String)?
    /// Whether a deploy stage has begun changing an environment (its own or one on the way).
    private var touched = false

    init(executor: Executor, pipeline: PipelineFile, deploy: DeployState, environment: EnvironmentSpec, recorder: Recorder) {
        self.executor = executor
        self.pipeline = pipeline
        self.deploy = deploy
        self.environment = environment
        self.recorder = recorder
    }

    var settings: ExecutorSettings { executor.settings }

    // MARK: - The whole deploy

    func execute(watchingAfter seq: Int64) async {
        let work = Task { try await self.runStages() }
        // A deploy that cannot record stops: nothing more happens to the cluster without a trace.
        recorder.whenRecordingFails { _ in work.cancel() }
        let watcher = Task { [store = executor.store, id = deploy.id] in
            do {
                for try await event in store.subscribe(after: seq) where event.deploy == id {
                    if case .rollbackRequested(let reason) = event.payload {
                        self.lock.withLock { self.rollbackIntent = (event.actor, reason) }
                        work.cancel()
                        return
                    }
                    if case .cancelRequested(let reason) = event.payload {
                        self.lock.withLock { self.cancelIntent = (event.actor, reason) }
                        work.cancel()
                        return
                    }
                }
            } catch {}
        }
        let outcome = await withTaskCancellationHandler {
            await work.result
        } onCancel: {
            work.cancel()
        }
        watcher.cancel()
        recorder.flush()

        switch outcome {
        case .success:
            if deploy.policy.stages.contains(where: { $0.environment == deploy.environment }) {
                recorder.note(environment: deploy.environment, .environmentVerified(environment: deploy.environment,
                                                                                    version: deploy.version, deploy: deploy.id))
            }
            recorder.note(.deployFinished(outcome: .succeeded, reason: ""))
        case .failure(let error):
            if let intent = lock.withLock({ rollbackIntent }) {
                await rollBack(requestedBy: intent.by, reason: intent.reason, finish: true, alreadyRequested: true)
            } else if let failure = error as? ExecutorError, let trigger = failure.trigger.flatMap(RollbackTrigger.init(rawValue:)),
                      pipeline.rollback.rollsBack(on: trigger), lock.withLock({ touched }) {
                recorder.note(.rollbackRequested(reason: "\(RollbackState.automaticPrefix) (\(trigger.rawValue)): \(failure)"))
                await rollBack(requestedBy: settings.holder, reason: failure.description, finish: true, alreadyRequested: true,
                               failure: failure.description)
            } else if let cancel = lock.withLock({ cancelIntent }) {
                let why = cancel.reason.isEmpty ? "" : ": \(cancel.reason)"
                recorder.note(.deployFinished(outcome: .cancelled, reason: "cancelled by \(cancel.by)\(why) (\(stateSummary()))"))
            } else if error is CancellationError || Task.isCancelled {
                recorder.note(.deployFinished(outcome: .cancelled, reason: "stopped by the operator (\(stateSummary()))"))
            } else {
                recorder.note(.deployFinished(outcome: .failed, reason: "\(error)"))
            }
        }
    }

    /// Rolls back every environment the deploy changed (its own first), each to its last
    /// known-good version, immediately, by its strategy: the plan `RollbackPlan` decides, the
    /// same one the rulebook, the console and the CLI name.
    func rollBack(requestedBy: String, reason: String, finish: Bool, alreadyRequested: Bool = true, failure: String? = nil) async {
        var steps: [RollbackStep] = []
        if let state = try? StateSnapshot.state(of: executor.store) {
            steps = RollbackPlan.steps(of: state.deploys[deploy.id] ?? deploy, in: state)
        }
        if steps.isEmpty {
            steps = [RollbackStep(environment: deploy.environment, from: deploy.version, to: deploy.rollbackTarget)]
        }
        let methods = steps.map { step in
            (pipeline.environment(step.environment).map { Strategies.of($0).rollbackMethod($0) } ?? "?")
                + (steps.count > 1 ? " (\(step.environment) to \(step.to ?? "the previous revision"))" : "")
        }
        let target = steps[0].to
        recorder.note(.rollbackStarted(targetVersion: target ?? "the previous revision", method: methods.joined(separator: "; ")))
        do {
            for step in steps { try await rollBack(step) }
            recorder.note(.rollbackFinished(succeeded: true, version: target ?? "", reason: ""))
            if finish {
                recorder.note(.deployFinished(outcome: .rolledBack, reason: failure ?? reason))
            }
        } catch {
            if error is CancellationError || Task.isCancelled {
                // Stopped by the operator (Ctrl-C, SIGTERM): what is live was recorded step by
                // step; a new `gantry rollback` finishes the job.
                let next = "run `gantry rollback \(deploy.environment)` to finish it"
                recorder.note(.rollbackFinished(succeeded: false, version: "", reason: "interrupted before it finished; \(next)"))
                if finish { recorder.note(.deployFinished(outcome: .interrupted, reason: "rollback interrupted; \(next)")) }
                return
            }
            recorder.note(.rollbackFinished(succeeded: false, version: "", reason: "\(error)"))
            if finish {
                recorder.note(.deployFinished(outcome: .failed, reason: "rollback failed: \(error)"))
            }
        }
    }

    private func rollBack(_ step: RollbackStep) async throws {
        guard let environment = pipeline.environment(step.environment) else {
            throw ExecutorError.refused("environment \(step.environment) is not in the deploy's pipeline")
        }
        // Another environment than the deploy's own is held under its own lease meanwhile.
        var lease: LeaseKeeper?
        if step.environment != deploy.environment {
            let keeper = LeaseKeeper(store: executor.store, environment: step.environment, holder: settings.holder,
                                     seconds: settings.leaseSeconds)
            try keeper.acquire()
            lease = keeper
        }
        defer { lease?.release() }
        let stageSpec = pipeline.deployStage(for: step.environment)
        let stage = stageSpec?.id ?? "rollback"
        // Each kubectl of the rollback has the deploy stage's timeout (a hung API server does not
        // hold a rollback for the default 10 minutes per command).
        let context = strategyContext(stage: stage, environment: environment,
                                      timeout: stageSpec?.timeoutSeconds.map(Double.init))
        let method = try await Strategies.of(environment).rollback(context, target: step.to)
        recorder.log(stage, .system, "rollback of \(step.environment) done: \(method)")
        await observe(environment, cause: .rolledBack, stage: stage)
    }

    /// Reads what runs on `environment` now and records it on the environment's stream. The read
    /// runs even when the deploy was cancelled (a cancel still leaves the truth behind). With
    /// `onlyIfChanged`, a read that finds what the log already says is not recorded (a failed
    /// step that changed nothing is not "deployed by" this deploy). A failed read is logged.
    /// `seen` is what the strategy already saw running at its end (no second read).
    func observe(_ environment: EnvironmentSpec, cause: LiveCause, stage: String, onlyIfChanged: Bool = false,
                 seen: LiveState? = nil) async {
        let reader = LiveReader(runner: executor.runner, environment: environment, image: pipeline.image)
        let read: Result<LiveState, any Error> = if let seen { .success(seen) } else {
            await Task.detached(operation: { try await reader.read() }).result
        }
        switch read {
        case .success(let live):
            if onlyIfChanged, let known = (try? StateSnapshot.state(of: executor.store))?.environments[environment.name]?.live,
               known.sameWorkload(as: live) { return }
            recorder.note(environment: environment.name, .environmentObserved(environment: environment.name, cause: cause,
                                                                               live: live, deploy: deploy.id, drift: ""))
        case .failure(let error):
            recorder.log(stage, .system, "could not read what runs on \(environment.name) now (\(error)); "
                + "`gantry reconcile \(environment.name)` reads it again")
        }
    }

    private func stateSummary() -> String {
        guard let (state, _) = try? executor.load(deploy.id) else { return "state unknown" }
        let done = state.stages.filter { $0.status == .succeeded }.map(\.id)
        let live = pipeline.environment(deploy.environment).map { _ in deploy.environment } ?? "?"
        return "finished stages: \(done.isEmpty ? "none" : done.joined(separator: ", ")); \(live) left as it was at the cancel"
    }

    // MARK: - Stages as a DAG

    private func runStages() async throws {
        let (current, _) = try executor.load(deploy.id)
        var succeeded = Set(current.stages.filter { $0.status == .succeeded || $0.status == .skipped }.map(\.id))
        let plans = deploy.policy.stages
        var remaining = plans.filter { !succeeded.contains($0.id) }
        var running = Set<String>()
        do {
            try await withThrowingTaskGroup(of: String.self) { group in
                func launchReady() {
                    for plan in remaining where !running.contains(plan.id) && plan.needs.allSatisfy(succeeded.contains) {
                        running.insert(plan.id)
                        recorder.note(.stageQueued(stage: plan.id))
                        group.addTask { try await self.runStage(plan.id); return plan.id }
                    }
                }
                launchReady()
                while let done = try await group.next() {
                    succeeded.insert(done)
                    running.remove(done)
                    remaining.removeAll { $0.id == done }
                    launchReady()
                }
            }
        } catch {
            for plan in remaining where !running.contains(plan.id) {
                recorder.note(.stageSkipped(stage: plan.id, reason: "not run: an earlier stage did not succeed"))
            }
            throw error
        }
    }

    private func runStage(_ id: String) async throws {
        guard let spec = pipeline.stage(id) else {
            recorder.note(.stageSkipped(stage: id, reason: "no longer in the pipeline file"))
            return
        }
        let attempts = max(1, spec.retries + 1)
        for attempt in 1...attempts {
            do {
                try await StageBody(run: self, spec: spec).run()
                recorder.note(.stageSucceeded(stage: id))
                return
            } catch {
                if Task.isCancelled || error is CancellationError {
                    let why = lock.withLock { rollbackIntent }.map { "rollback requested by \($0.by)" }
                        ?? lock.withLock { cancelIntent }.map { "cancel requested by \($0.by)" } ?? "cancelled"
                    recorder.note(.stageCancelled(stage: id, reason: why))
                    throw CancellationError()
                }
                let retriable = (error as? ExecutorError).map { if case .refused = $0 { false } else { $0.trigger == nil } } ?? true
                if attempt < attempts, retriable {
                    recorder.log(id, .system, "attempt \(attempt) of \(attempts) failed: \(error); retrying")
                    continue
                }
                recorder.note(.stageFailed(stage: id, reason: "\(error)"))
                throw error
            }
        }
    }

    func markTouched() { lock.withLock { touched = true } }

    // MARK: - Helpers for stage bodies

    func strategyContext(stage: String, environment: EnvironmentSpec? = nil, timeout: Double? = nil) -> StrategyContext {
        let environment = environment ?? self.environment
        let analyzer = analyzer(for: environment)
        let policy = pipeline.rollback
        var context = StrategyContext(runner: executor.runner, recorder: recorder, stage: stage, environment: environment,
                                      image: pipeline.image, version: deploy.version, timeout: timeout ?? settings.defaultTimeout,
                                      analyse: { seconds in
                                          try await analyzer.analyse(seconds: seconds, stopOnCritical: policy.rollsBack(on: .criticalMetric),
                                                                     stopOnHealth: policy.rollsBack(on: .failedHealth))
                                      })
        if let preview = environment.preview, case .canary = environment.strategy {
            // The canary is judged on its own traffic (the preview Service selects its pods
            // alone), while the environment's own URLs give all traffic as the baseline.
            let canaryAnalyzer = self.analyzer(for: environment, base: expand(preview.url, environment: environment.name))
            let baseline = BaselineValues()
            canaryAnalyzer.baseline = baseline
            context.analyse = { seconds in
                let sampler = Task { await analyzer.sampleBaseline(into: baseline) }
                defer { sampler.cancel() }
                try await canaryAnalyzer.analyse(seconds: seconds, stopOnCritical: policy.rollsBack(on: .criticalMetric),
                                                 stopOnHealth: policy.rollsBack(on: .failedHealth))
            }
        } else if let preview = environment.preview {
            let previewAnalyzer = self.analyzer(for: environment, base: expand(preview.url, environment: environment.name))
            let recorder = self.recorder, version = deploy.version
            context.checkPreview = {
                if let problem = await previewAnalyzer.healthProblem(successes: environment.verify.healthSuccesses) {
                    throw ExecutorError.healthFailed("through service/\(preview.service), before the switch: \(problem)")
                }
                guard environment.verify.seconds > 0, previewAnalyzer.hasSignals else { return }
                recorder.log(stage, .system, "verifying \(version) through service/\(preview.service) for \(environment.verify.seconds)s, "
                    + "before it takes traffic")
                try await previewAnalyzer.verify(environment.verify, stage: stage)
            }
        }
        return context
    }

    func analyzer(for environment: EnvironmentSpec? = nil, base: String? = nil) -> MetricAnalyzer {
        MetricAnalyzer(pipeline: pipeline, environment: environment ?? self.environment, version: deploy.version,
                       recorder: recorder, runner: executor.runner, interval: settings.sampleInterval,
                       prometheusURL: settings.prometheusURL, base: base)
    }

    func expand(_ template: Template, environment: String?) -> String {
        template.expanded(pipeline.placeholderValues(version: deploy.version, environment: environment))
    }
}
