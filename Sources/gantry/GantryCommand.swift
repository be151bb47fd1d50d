import ArgumentParser

/// The `gantry` command: the console by default, and the subcommands around it.
@main
struct GantryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry",
        abstract: "A terminal deployment console: watch, gate, approve and roll back deploys.",
        discussion: """
        Gantry reads a pipeline file (gantry.yaml) and keeps every fact of every deploy in an \
        event log (.gantry/events.sqlite beside the pipeline file, or --store PATH).
        New here? Run `gantry demo`: a simulated cluster, a demo pipeline and the console.
        """,
        subcommands: [ConsoleCommand.self, DemoCommand.self, AgentCommand.self, SimCommand.self, DeployCommand.self, RollbackCommand.self, ApproveCommand.self,
                      TickCommand.self, OverrideCommand.self, CancelCommand.self, ResumeCommand.self, CheckCommand.self, StatusCommand.self, ReconcileCommand.self, HistoryCommand.self, ReplayCommand.self, ShowCommand.self, VerifyCommand.self,
                      ExportCommand.self],
        defaultSubcommand: ConsoleCommand.self
    )

    /// Runs the command, then closes every store it opened, whichever way it ends: closing
    /// checkpoints the WAL into the store's file, so a store left alone is one whole file (which
    /// a read-only directory, or a copy of the file alone, can be read from).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            OpenStores.closeAll()
        } catch {
            OpenStores.closeAll()
            exit(withError: error)
        }
    }
}
