import ArgumentParser
import Foundation
import GantryCore
import GantryStore

/// `gantry verify`: walk the log's chain of SHA-256 links and name the first event that was
/// edited, inserted or deleted after it was written.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no event of the log was edited, inserted or deleted (its SHA-256 chain).")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try options.open(readOnly: true)
        let report: ChainReport
        do { report = try store.verifyChain() } catch { throw CLIError(error.description) }
        guard report.chained else {
            throw CLIError("\(options.storePath) is of the store format before chains; open it with a writing command "
                + "(e.g. `gantry approve`) once to upgrade it, then verify")
        }
        if let problem = report.problem {
            throw CLIError("the log \(options.storePath) was altered: \(problem); the \(report.checked) events before it are intact")
        }
        print("\(options.storePath): \(report.checked) events, chain intact (SHA-256, last link \(report.tip)…)")
    }
}
