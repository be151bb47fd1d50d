import ArgumentParser
import GantryStore
import Foundation
import GantryCore
import GantryPipeline

/// `--actor`: who is acting, recorded in every event this command appends.
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: "Who you are in the audit trail (default: $GANTRY_ACTOR, else $USER).")
    var actor: String?

    var name: String {
        let environment = ProcessInfo.processInfo.environment
        let raw = actor ?? environment["GANTRY_ACTOR"] ?? environment["USER"] ?? "unknown"
        return SafeText.sanitize(raw.trimmingCharacters(in: .whitespacesAndNewlines)).isEmpty ? "unknown" : SafeText.sanitize(raw)
    }
}

extension StoreOptions {
    /// Loads and validates the pipeline file, or exits with its diagnostics.
    func loadPipeline() throws -> PipelineFile {
        do {
            return try PipelineLoader.load(path: file)
        } catch {
            throw CLIError(error.description)
        }
    }

    /// The store opened for writing.
    func openWritable() throws -> SQLiteEventStore {
        try open(readOnly: false)
    }
}
