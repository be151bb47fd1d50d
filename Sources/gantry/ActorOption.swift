import ArgumentParser
import GantryStore
import Foundation
import GantryCore
import GantryPipeline
#if canImport(Glibc)
import Glibc
#endif

/// Who acts: the one answer every command and the console record in the audit trail.
///
/// `--actor`, else `GANTRY_ACTOR`, else `USER`, else `LOGNAME`, else the name of this process's
/// user in the passwd database, else `uid-N`: never "unknown", so a container or a CI job with
/// no `USER` is still somebody. These are names, not proofs: verified identities (signed
/// intents) come with team mode.
enum ActorIdentity {
    static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let candidates: [(String, String?)] = [("--actor", flag), ("GANTRY_ACTOR", environment["GANTRY_ACTOR"]),
                                               ("USER", environment["USER"]), ("LOGNAME", environment["LOGNAME"])]
        for (source, value) in candidates {
            guard let value else { continue }
            let name = value.trimmingCharacters(in: .whitespaces)
            if name.isEmpty, source != "--actor" { continue }
            guard (1...64).contains(name.count), !name.unicodeScalars.contains(where: SafeText.isUnsafe) else {
                throw CLIError("\(source) must be 1-64 printable characters, got '\(SafeText.sanitize(value))'")
            }
            return name
        }
        return passwdName() ?? "uid-\(getuid())"
    }

    private static func passwdName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }
}

/// `--actor`: who is acting, recorded in every event this command appends.
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: "Who you are in the audit trail (default: $GANTRY_ACTOR, else $USER, else your login name).")
    var actor: String?

    /// The acting name (see `ActorIdentity`).
    func resolve() throws -> String { try ActorIdentity.resolve(flag: actor) }
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

    /// Decides and records `command` through the rulebook, as `actor`; a refusal exits 1 with its sentence.
    @discardableResult
    func record(_ command: Command, as actor: String, on open: SQLiteEventStore? = nil) throws -> Decision {
        let store = try open ?? openWritable()
        do {
            return try CommandRunner.run(command, on: store, context: .live(actor: actor))
        } catch {
            throw CLIError(error.description)
        }
    }
}
