import ArgumentParser
import Foundation
import GantryCore
import GantryExecutor
import GantryStore

/// `gantry rollback ENV`: roll an environment back now, by its strategy, with no canary re-run.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll an environment back to its last known-good version, at once.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption
    @OptionGroup var run: RunOptions

    @Argument(help: "The environment.")
    var environment: String

    @Option(name: .long, help: "Why (recorded in the audit trail).")
    var reason: String = ""

    func run() async throws {
        let pipeline = try options.loadPipeline()
        let store = try options.openWritable()
        let state = try options.fold(store)
        guard let deploy = state.latestDeploy(in: environment) else {
            throw CLIError("nothing to roll back: no deploy to \(SafeText.sanitize(environment)) in \(options.storePath)")
        }
        let before = try store.lastSeq()
        do {
            _ = try store.append([PendingEvent(time: Date(), actor: actor.name, deploy: deploy.id,
                                               payload: .rollbackRequested(reason: reason))], expected: .any)
        } catch {
            throw CLIError(error.description)
        }
        if let lease = state.environments[environment]?.lease, Executor.leaseIsLive(lease), !deploy.status.isFinished {
            print("rollback of \(deploy.id) requested; \(lease.holder) is rolling it back now (follow with `gantry show \(deploy.id)`)")
            return
        }
        let status = await run.execute(deploy.id, store: store, pipeline: pipeline, directory: options.pipelineDirectory, printAfter: before)
        let ok = try options.fold(store).deploys[deploy.id]?.rollback?.succeeded == true
        _ = status
        throw ExitCode(ok ? 0 : 1)
    }
}
