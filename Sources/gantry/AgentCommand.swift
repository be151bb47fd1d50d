import ArgumentParser
import Foundation
import GantryExecutor

/// `gantry agent`: a long-running executor that runs every deploy and rollback asked for from
/// any console or CLI on this store, until SIGINT/SIGTERM.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an executor that picks up every deploy and rollback requested on this store.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var run: RunOptions

    func run() async throws {
        let pipeline = try options.loadPipeline()
        let store = try options.openWritable()
        let agent = ExecutorAgent(store: store, pipeline: pipeline,
                                  settings: ExecutorSettings(sampleInterval: run.sampleInterval, gateTimeout: run.gateTimeout,
                                                             prometheusURL: run.prometheus,
                                                             workingDirectory: options.pipelineDirectory))
        // On start, the log learns what runs now (and any drift since the last executor ran).
        for line in ReconcileCommand.lines(try await ReconcileCommand.reconcile(pipeline: pipeline, store: store,
                                                                                 actor: ExecutorSettings.defaultHolder())) {
            print("reconcile: \(line)")
        }
        print("gantry agent: running deploys requested on \(options.storePath) (Ctrl-C stops)")
        let task = Task { await agent.run() }
        let interrupt = InterruptHandler { task.cancel() }
        await task.value
        withExtendedLifetime(interrupt) {}
    }
}
