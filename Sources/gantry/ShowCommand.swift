import ArgumentParser
import GantryCore
import GantryStore

/// `gantry show DEPLOY`: one deploy's stages, gates, checklists and audit trail.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one deploy: stages, gates, checklists, approvals and its audit trail.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The deploy id (or a unique prefix of it), as `gantry history` lists it.")
    var deploy: String

    func run() throws {
        let (store, state) = try options.loadState()
        let found = try options.findDeploy(deploy, in: state)
        // The deploy's events are checked against their links first: an audit trail that was
        // edited behind Gantry's back says so before it is printed.
        if let store, let problem = try? store.verifyStream(found.id) {
            var stderr = StandardError()
            print("warning: the log was altered: \(problem); run `gantry verify` — what follows may not be what happened",
                  to: &stderr)
            print("WARNING: the log was altered (\(problem))")
        }
        print(DeployReport.text(found))
    }
}
