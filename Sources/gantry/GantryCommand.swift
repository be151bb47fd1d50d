import ArgumentParser

/// The `gantry` command: the console by default, and the subcommands around it.
@main
struct GantryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry",
        abstract: "A terminal deployment console: watch, gate, approve and roll back deploys.",
        subcommands: [SimCommand.self]
    )
}
