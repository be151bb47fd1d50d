import ArgumentParser
import GantryCore

/// `gantry show DEPLOY`: one deploy's stages, gates, checklists and audit trail.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one deploy: stages, gates, checklists, approvals and its audit trail.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The deploy id (or a unique prefix of it), as `gantry history` lists it.")
    var deploy: String

    func run() throws {
        let (_, state) = try options.loadState()
        print(DeployReport.text(try options.findDeploy(deploy, in: state)))
    }
}
