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
