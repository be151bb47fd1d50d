import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// Runs one deploy to its end: takes the environment's lease, runs the stages as a DAG, waits on
/// gates, analyses metrics, rolls back on request or by policy, and records every step as events.
/// It never throws: whatever happens ends as a `deploy.finished` event with the facts.
public final class Executor: @unchecked Sendable {
    let store: any EventStore
    let pipeline: PipelineFile
    let runner: any ProcessRunner
    let settings: ExecutorSettings
    let onEvent: @Sendable (Event) -> Void
    private let failureLock = NSLock()
    private var failure: StoreError?

    /// Why the last run stopped without recording its end: the store could not be read, or could
    /// not take the run's events (a full disk). The deploy is left unfinished in the log, and
    /// `gantry resume` finishes it once the store works again. Nil when every event was recorded.
    public var storeFailure: StoreError? { failureLock.withLock { failure } }
    private var holder: String?
    /// The executor already running this environment when this one asked for its lease (another
    /// `gantry agent`, or a `gantry deploy` of the same request): this one stepped aside and
    /// recorded nothing.
    public var steppedAsideFor: String? { failureLock.withLock { holder } }

    public init(store: any EventStore, pipeline: PipelineFile, runner: any ProcessRunner = SubprocessRunner(),
                settings: ExecutorSettings = ExecutorSettings(), onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.store = store
        self.pipeline = pipeline
        self.runner = runner
        self.settings = settings
        self.onEvent = onEvent
    }

    /// Runs (or resumes, or rolls back) deploy `id`. Cancelling the calling task stops the deploy
    /// cleanly: running commands are killed and the deploy ends `cancelled`.
    @discardableResult
    public func run(_ id: DeployID) async -> DeployStatus {
        failureLock.withLock {
            failure = nil
            holder = nil
        }
        let deploy: DeployState, seq: Int64
        do {
            (deploy, seq) = try load(id)
        } catch let error as StoreError {
            failureLock.withLock { failure = error }
            return .failed
        } catch {
            return .failed
        }
        let frozen = Self.frozenPipeline(of: deploy)
        let pipeline: PipelineFile = if case .some(.success(let file)) = frozen { file } else { self.pipeline }
        // Secrets declared by the frozen plan (and today's file) are masked with the executor's own.
        let secrets = settings.secrets + Redactor.secretsFromEnvironment()
            + Redactor.declared(pipeline.secrets) + Redactor.declared(self.pipeline.secrets)
        let recorder = Recorder(store: store, deploy: id, actor: settings.holder, redactor: Redactor(secrets: secrets),
                                budget: settings.outputBudget, onEvent: onEvent)
        defer {
            recorder.finish()
            if let failed = recorder.recordingFailure { failureLock.withLock { failure = failed } }
        }
        if case .some(.failure(let problem)) = frozen {
            recorder.note(.deployFinished(outcome: .failed, reason: "the pipeline frozen into the request does not read: \(problem)"))
            return .failed
        }
        guard let environment = pipeline.environment(deploy.environment) else {
            recorder.note(.deployFinished(outcome: .failed, reason: "environment \(deploy.environment) is no longer in the pipeline file"))
            return .failed
        }
        let lease = LeaseKeeper(store: store, environment: deploy.environment, holder: settings.holder, seconds: settings.leaseSeconds)
        do {
            try lease.acquire()
        } catch let error as StoreError {
            failureLock.withLock { failure = error }
            return deploy.status
        } catch {
            // Another live executor holds the environment: it runs this deploy (the rulebook lets
            // one deploy at a time in), so this one steps aside without a word in the deploy's log
            // (no "lease" stage); the caller follows the other one's events.
            let current = (try? store.readStream(lease.stream)).map { Reducer.fold($0) }?.environments[deploy.environment]?.lease
            failureLock.withLock { holder = current?.holder ?? "\(error)" }
            return deploy.status
        }
        defer { lease.release() }

        let run = DeployRun(executor: self, pipeline: pipeline, deploy: deploy, environment: environment, recorder: recorder)
        if let rollback = deploy.rollback, rollback.succeeded == nil {
            // A rollback was asked for (perhaps of a finished deploy) and not done yet: do only that.
            await run.rollBack(requestedBy: rollback.requestedBy, reason: rollback.reason, finish: !deploy.status.isFinished)
            return (try? load(id).0.status) ?? .failed
        }
        guard !deploy.status.isFinished else { return deploy.status }
        if let cancel = deploy.cancelRequest {
            // Cancelled before this executor could run it: nothing more is done to the cluster.
            let why = cancel.reason.isEmpty ? "" : ": \(cancel.reason)"
            recorder.note(.deployFinished(outcome: .cancelled, reason: "cancelled by \(cancel.by)\(why) before it ran further"))
            return (try? load(id).0.status) ?? .cancelled
        }
        if deploy.status == .requested {
            recorder.note(.deployStarted)
        } else {
            recorder.log("deploy", .system, "adopted by \(settings.holder) after an interruption: finished stages are kept, "
                + "unfinished ones re-checked")
        }
        await run.execute(watchingAfter: seq)
        return (try? load(id).0.status) ?? .failed
    }

    /// The pipeline a deploy was requested under, read from the text frozen into its request:
    /// a resume after `gantry.yaml` was edited runs what was asked for. Nil for requests made
    /// before plans were frozen.
    static func frozenPipeline(of deploy: DeployState) -> Result<PipelineFile, PipelineDiagnostics>? {
        let policy = deploy.policy
        guard !policy.pipelineSource.isEmpty else { return nil }
        do {
            return .success(try PipelineLoader.parse(yaml: policy.pipelineSource, file: policy.pipelineFile))
        } catch {
            return .failure(error)
        }
    }

    /// Whether an environment's lease still binds (unexpired, and its holder alive when on this host).
    public static func leaseIsLive(_ lease: Lease, now: Date = Date()) -> Bool { LeaseKeeper.isLive(lease, now: now) }

    func load(_ id: DeployID) throws -> (DeployState, Int64) {
        let state = try StateSnapshot.state(of: store)
        guard let deploy = state.deploys[id] else { throw ExecutorError.refused("no deploy \(id)") }
        return (deploy, state.lastSeq)
    }
}

extension Redactor {
    /// Secret-looking variables of this process's environment: by name (`…TOKEN`, `…_KEY`,
    /// `…PASSWORD`, `…DSN`…) when the value is long enough to be a secret (8 characters: a
    /// `CACHE_KEY=web` must not mask the app's name everywhere), and any value that is a URL
    /// carrying a password. Declared secrets (`secrets:`) are masked whatever their length.
    static func secretsFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let markers = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "CREDENTIAL", "PRIVATE", "_KEY", "DSN"]
        return environment.filter { name, value in
            (value.count >= 8 && markers.contains { name.uppercased().contains($0) }) || userinfo(in: value) != nil
        }.map(\.value)
    }

    /// The values of the secrets a pipeline declares: its variables in this process's
    /// environment, and its files' contents (unreadable files are skipped: a missing secret
    /// cannot leak).
    static func declared(_ sources: SecretSources, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        sources.environment.compactMap { environment[$0] }
            + sources.files.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    }
}
