import ArgumentParser
import Foundation
import GantryCore

/// `gantry history`: past deploys from the store, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List past deploys from the event store, newest first.")

    @OptionGroup var options: StoreOptions

    @Option(name: .long, help: "Only deploys to this environment.")
    var env: String?

    @Option(name: .long, help: "Show at most this many deploys.")
    var limit: Int = 50

    func run() throws {
        let (_, state) = try options.loadState()
        let deploys = state.deploys.reversed().filter { env == nil || $0.environment == env }.prefix(max(0, limit))
        guard !deploys.isEmpty else {
            print(env.map { "No deploys to \(SafeText.sanitize($0)) yet." } ?? "No deploys yet.")
            return
        }
        print(Self.table(Array(deploys)))
    }

    static func table(_ deploys: [DeployState]) -> String {
        let header = ["DEPLOY", "ENV", "VERSION", "STATUS", "BY", "REQUESTED", "DURATION"]
        let rows = deploys.map { deploy -> [String] in
            [deploy.id.rawValue, deploy.environment, deploy.version, deploy.status.rawValue, deploy.requestedBy,
             TimeText.short(deploy.requestedAt), TimeText.duration(from: deploy.startedAt, to: deploy.finishedAt)]
                .map(SafeText.sanitize)
        }
        return TextTable.render(header: header, rows: rows)
    }
}
