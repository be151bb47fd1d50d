import ArgumentParser
import Foundation
import GantryCore
import GantryExecutor
import GantryPipeline
import GantryStore

/// `gantry reconcile [ENV]`: read what runs in each environment with kubectl, record it, and say
/// where the cluster differs from what Gantry last put there.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Read what runs in each environment with kubectl, record it, and report drift.",
        discussion: """
        Exit status: 0 when every environment was read and matches what Gantry deployed, 3 when \
        one drifted (something outside Gantry changed it), 1 when one could not be read.
        """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: "One environment (default: all).")
    var environment: String?

    func run() async throws {
        let pipeline = try options.loadPipeline()
        if let environment, pipeline.environment(environment) == nil {
            throw CLIError("no environment '\(SafeText.sanitize(environment))' in \(options.file) "
                + "(known: \(pipeline.environments.map(\.name).joined(separator: ", ")))")
        }
        let store = try options.openWritable()
        let found = try await Self.reconcile(pipeline: pipeline, store: store, actor: actor.resolve(),
                                             names: environment.map { [$0] })
        for line in Self.lines(found) { print(line) }
        if found.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
        if found.contains(where: { $0.drift != nil }) { throw ExitCode(3) }
    }

    static func reconcile(pipeline: PipelineFile, store: any EventStore, actor: String, names: [String]? = nil) async throws
        -> [Reconciliation] {
        do {
            return try await Reconciler(store: store, pipeline: pipeline, actor: actor).reconcile(names)
        } catch let error as StoreError {
            throw CLIError("cannot record what runs: \(error)")
        }
    }

    /// One line per environment: what runs, and the drift or the read failure.
    static func lines(_ found: [Reconciliation]) -> [String] {
        found.map { item in
            if let problem = item.problem {
                return SafeText.sanitize("\(item.environment): could not read it: \(problem)")
            }
            let live = item.live.map(\.summary) ?? "?"
            return SafeText.sanitize("\(item.environment): runs \(live)" + (item.drift.map { " — DRIFT: \($0)" } ?? ""))
        }
    }
}
