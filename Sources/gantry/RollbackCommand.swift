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
        let before = try store.lastSeq()
        let decision = try options.record(.rollback(environment: environment, reason: reason), as: actor.resolve(), on: store)
        let state = try options.fold(store)
        guard let deploy = state.deploys[decision.deploy] else { throw CLIError("\(decision.deploy) vanished from the log") }
        if let lease = state.environments[deploy.environment]?.lease, Executor.leaseIsLive(lease), !deploy.status.isFinished {
            print("rollback of \(deploy.id) requested; \(lease.holder) is rolling it back now (follow with `gantry show \(deploy.id)`)")
            return
        }
        let status = await run.execute(deploy.id, store: store, pipeline: pipeline, directory: options.pipelineDirectory, printAfter: before)
        let ok = try options.fold(store).deploys[deploy.id]?.rollback?.succeeded == true
        _ = status
        // Ctrl-C or SIGTERM stopped the rollback where it was: the log says so; exit 130.
        if InterruptHandler.fired, !ok { throw ExitCode(130) }
        throw ExitCode(ok ? 0 : 1)
    }
}
