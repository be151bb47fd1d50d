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
    private var touchedTarget = false

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
            recorder.note(.deployFinished(outcome: .succeeded, reason: ""))
        case .failure(let error):
            if let intent = lock.withLock({ rollbackIntent }) {
                await rollBack(requestedBy: intent.by, reason: intent.reason, finish: true, alreadyRequested: true)
            } else if let failure = error as? ExecutorError, let trigger = failure.trigger.flatMap(RollbackTrigger.init(rawValue:)),
                      pipeline.rollback.rollsBack(on: trigger), lock.withLock({ touchedTarget }) {
                recorder.note(.rollbackRequested(reason: "automatic (\(trigger.rawValue)): \(failure)"))
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

    /// Rolls the environment back to its last known-good state, immediately, by its strategy.
    func rollBack(requestedBy: String, reason: String, finish: Bool, alreadyRequested: Bool = true, failure: String? = nil) async {
        let context = strategyContext(stage: pipeline.deployStage(for: deploy.environment)?.id ?? "rollback")
        let strategy = Strategies.of(environment)
        let target = deploy.rollbackTarget ?? "the previous revision"
        recorder.note(.rollbackStarted(targetVersion: target, method: strategy.rollbackMethod(environment)))
        do {
            let method = try await strategy.rollback(context, target: deploy.rollbackTarget)
            recorder.log(context.stage, .system, "rollback done: \(method)")
            recorder.note(.rollbackFinished(succeeded: true, version: deploy.rollbackTarget ?? "", reason: ""))
            if finish {
                recorder.note(.deployFinished(outcome: .rolledBack, reason: failure ?? reason))
            }
        } catch {
            recorder.note(.rollbackFinished(succeeded: false, version: "", reason: "\(error)"))
            if finish {
                recorder.note(.deployFinished(outcome: .failed, reason: "rollback failed: \(error)"))
            }
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

    func markTargetTouched() { lock.withLock { touchedTarget = true } }

    // MARK: - Helpers for stage bodies

    func strategyContext(stage: String, environment: EnvironmentSpec? = nil, timeout: Double? = nil) -> StrategyContext {
        let environment = environment ?? self.environment
        let analyzer = analyzer(for: environment)
        let policy = pipeline.rollback
        return StrategyContext(runner: executor.runner, recorder: recorder, stage: stage, environment: environment,
                               image: pipeline.image, version: deploy.version, timeout: timeout ?? settings.defaultTimeout,
                               analyse: { seconds in
                                   try await analyzer.analyse(seconds: seconds, stopOnCritical: policy.rollsBack(on: .criticalMetric),
                                                              stopOnHealth: policy.rollsBack(on: .failedHealth))
                               })
    }

    func analyzer(for environment: EnvironmentSpec? = nil) -> MetricAnalyzer {
        MetricAnalyzer(pipeline: pipeline, environment: environment ?? self.environment, version: deploy.version,
                       recorder: recorder, runner: executor.runner, interval: settings.sampleInterval,
                       prometheusURL: settings.prometheusURL)
    }

    func expand(_ template: Template, environment: String?) -> String {
        template.expanded(pipeline.placeholderValues(version: deploy.version, environment: environment))
    }
}
