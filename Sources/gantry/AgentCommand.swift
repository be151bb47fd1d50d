import ArgumentParser
import Foundation
import GantryExecutor
import GantryStore

/// `gantry agent`: a long-running executor that runs every deploy and rollback asked for from
/// any console or CLI on this store, until SIGINT/SIGTERM.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an executor that picks up every deploy and rollback requested on this store.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var run: RunOptions

    @Option(name: .long, help: "Seconds between live samples of every environment's metrics, deploy or not (0: off).")
    var liveInterval: Double = 5

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
        let sampler = try liveInterval > 0 ? EnvironmentSampler(
            pipeline: pipeline, store: store, samples: SQLiteSampleStore(path: SQLiteSampleStore.path(forEvents: options.storePath)),
            interval: liveInterval, prometheusURL: run.prometheus) : nil
        let task = Task {
            let live = Task { await sampler?.run() }
            await agent.run()
            live.cancel()
        }
        let interrupt = InterruptHandler { task.cancel() }
        await task.value
        withExtendedLifetime(interrupt) {}
    }
}
