import Foundation
import GantryConsole
import GantryCore
import GantryStore

/// Loads what a replay needs from the store: the state just before a deploy's first event, and
/// every event of its lifetime (of any stream), so stepping through it is a pure fold.
enum TravelLoader {
    static func load(_ deploy: DeployID, from store: any EventStore) throws -> TimeTravel {
        let own = try store.readStream(deploy)
        guard let first = own.first, let last = own.last else {
            throw CLIError("no deploy '\(SafeText.sanitize(deploy.description))' in the store; `gantry history` lists them")
        }
        var base = GantryState()
        var window: [Event] = []
        var after: Int64 = 0
        reading: while true {
            let page = try store.read(after: after, limit: 4096)
            guard !page.isEmpty else { break }
            for event in page {
                if event.seq < first.seq {
                    Reducer.reduce(into: &base, event)
                } else if event.seq <= last.seq {
                    window.append(event)
                } else {
                    break reading
                }
            }
            after = page[page.count - 1].seq
        }
        guard let travel = TimeTravel(deploy: deploy, base: base, events: window, at: 0) else {
            throw CLIError("\(deploy) has no request event to replay from")
        }
        return travel
    }
}
