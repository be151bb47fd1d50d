import ArgumentParser
import GantryCore

/// `gantry export DEPLOY --format jsonl|md`: the deploy's timeline, for audits and post-mortems.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one deploy's timeline: every event as JSON lines, or a Markdown report.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, md
    }

    @OptionGroup var options: StoreOptions

    @Argument(help: "The deploy id (or a unique prefix of it).")
    var deploy: String

    @Option(name: .long, help: "jsonl (every event, one JSON object per line) or md (a Markdown report).")
    var format: Format = .jsonl

    func run() throws {
        let (store, state) = try options.loadState()
        let found = try options.findDeploy(deploy, in: state)
        switch format {
        case .md:
            print(DeployReport.markdown(found))
        case .jsonl:
            do {
                for event in try store?.readStream(found.id) ?? [] { print(EventJSON.line(event)) }
            } catch {
                throw CLIError(error.description)
            }
        }
    }
}
