import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// A long-running executor: watches the store and runs every deploy requested from any console
/// (`deploy.requested`), and every rollback asked of a deploy that no executor is running.
public final class ExecutorAgent: @unchecked Sendable {
    let store: any EventStore
    let pipeline: PipelineFile
    let runner: any ProcessRunner
    let settings: ExecutorSettings
    private let lock = NSLock()
    private var running: [DeployID: Task<Void, Never>] = [:]

    public init(store: any EventStore, pipeline: PipelineFile, runner: any ProcessRunner = SubprocessRunner(),
                settings: ExecutorSettings = ExecutorSettings()) {
        self.store = store
        self.pipeline = pipeline
        self.runner = runner
        self.settings = settings
    }

    /// Runs until cancelled: picks up requests appended after `after` (and unfinished ones before).
    public func run(after: Int64? = nil) async {
        let start = (try? store.lastSeq()) ?? 0
        var state = GantryState()
        if let folded = try? StateSnapshot.state(of: store) { state = folded }
        for deploy in state.deploys where deploy.status == .requested { launch(deploy.id) }
        adoptOrphans(state)
        // Deploys whose executor died (its lease expired) are adopted: on start, and every few
        // seconds after, since an executor can die at any time.
        let adopter = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(1, (self?.settings.leaseSeconds ?? 30) / 3)))
                guard let self, let state = try? StateSnapshot.state(of: self.store) else { continue }
                self.adoptOrphans(state)
            }
        }
        defer { adopter.cancel() }
        do {
            for try await event in store.subscribe(after: after ?? start) {
                switch event.payload {
                case .deployRequested:
                    launch(event.deploy)
                case .rollbackRequested:
                    if !isRunning(event.deploy) { launch(event.deploy) }
                default:
                    break
                }
            }
        } catch {}
        let tasks = lock.withLock { Array(running.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Launches every unfinished, started deploy that no live executor holds: its executor died
    /// (kill -9, a lost machine). The executor resumes it from its record; the log says who
    /// adopted it.
    private func adoptOrphans(_ state: GantryState) {
        for deploy in state.deploys where deploy.status == .running || deploy.status == .rollingBack {
            guard !isRunning(deploy.id) else { continue }
            if let lease = state.environments[deploy.environment]?.lease, LeaseKeeper.isLive(lease, now: Date()) { continue }
            launch(deploy.id)
        }
    }

    private func isRunning(_ id: DeployID) -> Bool { lock.withLock { running[id] != nil } }

    private func launch(_ id: DeployID) {
        lock.withLock {
            guard running[id] == nil else { return }
            let executor = Executor(store: store, pipeline: pipeline, runner: runner, settings: settings)
            running[id] = Task { [weak self] in
                await executor.run(id)
                self?.finished(id)
            }
        }
    }

    private func finished(_ id: DeployID) {
        _ = lock.withLock { running.removeValue(forKey: id) }
    }
}
