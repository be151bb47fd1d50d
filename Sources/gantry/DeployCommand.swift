import ArgumentParser
import Foundation
import GantryCore
import GantryExecutor
import GantryPipeline
import GantryStore

/// `gantry deploy ENV --version V`: request a deploy; the executor runs it in the background
/// (or in this process with `--headless`, printing one line per event).
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a version to an environment (in the background, or --headless for CI).")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption
    @OptionGroup var run: RunOptions

    @Argument(help: "The environment, as named in the pipeline file.")
    var environment: String

    @Option(name: .long, help: "The version (image tag) to deploy.")
    var version: String

    @Flag(name: .long, help: "Run here and now, print one line per event, exit 0 only on success.")
    var headless = false

    func run() async throws {
        let pipeline = try options.loadPipeline()
        let store = try options.openWritable()
        let before = try store.lastSeq()
        let who = try actor.resolve()
        let id: DeployID
        do {
            id = try DeployRequest.make(store: store, pipeline: pipeline, environment: environment, version: version, actor: who)
        } catch {
            throw CLIError("\(error)")
        }
        if headless {
            var run = self.run
            if run.gateTimeout == nil { run.gateTimeout = 600 }
            let status = await run.execute(id, store: store, pipeline: pipeline, directory: options.pipelineDirectory, printAfter: before)
            throw ExitCode(RunOptions.exitCode(status))
        }
        let directory = (options.storePath as NSString).deletingLastPathComponent
        let log = (directory as NSString).appendingPathComponent("executor-\(id.rawValue).log")
        let pid = try Background.spawn(["resume", id.rawValue, "--file", options.file, "--store", options.storePath] + run.passThrough,
                                       logPath: log)
        print("deploy \(id) requested by \(who); executor pid \(pid) runs it in the background (log: \(log))")
        print("follow it with `gantry` (the console) or `gantry show \(id)`")
    }
}

/// `gantry resume DEPLOY`: run the executor for a requested or interrupted deploy in this process.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Run (or resume after a crash) the executor for one deploy, in this process.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var run: RunOptions

    @Argument(help: "The deploy id.")
    var deploy: String

    func run() async throws {
        let pipeline = try options.loadPipeline()
        let store = try options.openWritable()
        let found = try options.findDeploy(deploy, in: try options.fold(store))
        let status = await run.execute(found.id, store: store, pipeline: pipeline, directory: options.pipelineDirectory, printAfter: try store.lastSeq())
        throw ExitCode(RunOptions.exitCode(status))
    }
}

/// Options of an executor run, and running it with printed progress.
struct RunOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON lines instead of plain lines.")
    var json = false

    @Option(name: .long, help: "Seconds a gate may wait before the deploy fails (default: forever; 600 with --headless).")
    var gateTimeout: Double?

    @Option(name: .long, help: "Seconds between metric samples.")
    var sampleInterval: Double = 2

    @Option(name: .long, help: "Prometheus base URL for `prometheus:` metrics.")
    var prometheus: String = ProcessInfo.processInfo.environment["GANTRY_PROMETHEUS_URL"] ?? "http://127.0.0.1:9090"

    var passThrough: [String] {
        var arguments = ["--sample-interval", String(sampleInterval), "--prometheus", prometheus]
        if let gateTimeout { arguments += ["--gate-timeout", String(gateTimeout)] }
        if json { arguments.append("--json") }
        return arguments
    }

    func execute(_ id: DeployID, store: SQLiteEventStore, pipeline: PipelineFile, directory: String,
                 printAfter: Int64) async -> DeployStatus {
        let printer = EventPrinter(store: store, deploy: id, json: json, after: printAfter)
        let follower = printer.follow()
        let executor = Executor(store: store, pipeline: pipeline,
                                settings: ExecutorSettings(sampleInterval: sampleInterval, gateTimeout: gateTimeout,
                                                           prometheusURL: prometheus, workingDirectory: directory))
        let task = Task { () -> DeployStatus in
            let status = await executor.run(id)
            guard let other = executor.steppedAsideFor, !Task.isCancelled else { return status }
            // Another executor (a `gantry agent`) runs it: follow its events to the end.
            if !json { print("deploy \(id) is run by \(other): following it") }
            while !Task.isCancelled {
                if let state = try? StateSnapshot.state(of: store), let deploy = state.deploys[id],
                   deploy.status.isFinished, deploy.rollback.map({ $0.succeeded != nil }) ?? true {
                    return deploy.status
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return (try? StateSnapshot.state(of: store))?.deploys[id]?.status ?? status
        }
        let interrupt = InterruptHandler { task.cancel() }
        let status = await task.value
        withExtendedLifetime(interrupt) {}
        follower.cancel()
        printer.drain()
        if let failure = executor.storeFailure {
            // The log could not take the deploy's events: it stopped, unfinished, at its last recorded step.
            var stderr = StandardError()
            print("deploy \(id) stopped: \(failure)", to: &stderr)
            print("when the store takes writes again, `gantry resume \(id.rawValue)` finishes the deploy", to: &stderr)
            return .failed
        }
        if !json { print("deploy \(id): \(status.rawValue)") }
        return status
    }

    static func exitCode(_ status: DeployStatus) -> Int32 {
        switch status {
        case .succeeded: 0
        case .rolledBack, .rollingBack: 2
        case .cancelled: 130
        case .interrupted where InterruptHandler.fired: 130  // Ctrl-C/SIGTERM during the rollback
        default: 1
        }
    }
}
