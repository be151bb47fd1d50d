import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import Synchronization

/// `--file` and `--store`, shared by every command that reads or writes the event log.
struct StoreOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .long], help: "The pipeline file.")
    var file: String = "gantry.yaml"

    @Option(name: .long, help: "The event store (default: .gantry/events.sqlite beside the pipeline file).")
    var store: String?

    /// The store's path: `--store`, or `.gantry/events.sqlite` in the pipeline file's directory.
    var storePath: String {
        store ?? SQLiteEventStore.defaultPath(forPipeline: file)
    }

    /// The pipeline file's directory, absolute: where stage and `verify:` commands run, so a
    /// build context `.` or `./scripts/smoke` means the same wherever gantry was started from.
    var pipelineDirectory: String {
        let url = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.deletingLastPathComponent().path
    }

    /// Opens the store, turning its errors into a clean exit with a message. Damage found in
    /// the log (events recorded earlier and missing now) is reported on standard error first.
    func open(readOnly: Bool) throws -> SQLiteEventStore {
        let store: SQLiteEventStore
        do {
            store = try SQLiteEventStore(path: storePath, readOnly: readOnly)
        } catch {
            throw CLIError(error.description)
        }
        var stderr = StandardError()
        if let upgrade = store.upgrade { print("note: \(upgrade)", to: &stderr) }
        if let damage = store.damage { print("warning: \(damage)", to: &stderr) }
        OpenStores.add(store)
        return store
    }

    /// Folds the whole log into state, read-only. A store that does not exist yet is an empty log.
    func loadState() throws -> (SQLiteEventStore?, GantryState) {
        var state = GantryState()
        guard FileManager.default.fileExists(atPath: storePath) else { return (nil, state) }
        let store = try open(readOnly: true)
        do {
            state = try StateSnapshot.loadAndRefresh(store)
        } catch {
            throw CLIError(error.description)
        }
        return (store, state)
    }

    /// Folds the whole log of an already open store (one store per process: a second connection
    /// pool on the same file, closed while the first is subscribed, stalls the first one's
    /// subscriptions).
    func fold(_ store: SQLiteEventStore) throws -> GantryState {
        do {
            return try StateSnapshot.loadAndRefresh(store)
        } catch {
            throw CLIError(error.description)
        }
    }

    /// Finds a deploy by its full id or a unique prefix.
    func findDeploy(_ query: String, in state: GantryState) throws -> DeployState {
        if let exact = state.deploys[DeployID(query)] { return exact }
        let matches = state.deploys.filter { $0.id.rawValue.hasPrefix(query) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            throw CLIError("no deploy '\(SafeText.sanitize(query))' in \(storePath); `gantry history` lists them")
        }
        throw CLIError("'\(SafeText.sanitize(query))' matches \(matches.count) deploys (\(matches.prefix(3).map(\.id.rawValue).joined(separator: ", "))…); give more of the id")
    }
}

/// A user-facing error: printed as `error: MESSAGE` with exit code 1, never a stack trace.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The stores this process opened, closed when the command ends (`GantryCommand.main`).
enum OpenStores {
    private static let stores = Mutex<[SQLiteEventStore]>([])

    static func add(_ store: SQLiteEventStore) { stores.withLock { $0.append(store) } }

    static func closeAll() {
        let open = stores.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for store in open { store.close() }
    }
}
