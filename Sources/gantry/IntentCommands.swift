import ArgumentParser
import Foundation
import GantryCore
import GantryStore

/// `gantry approve ENV`: approve the environment's current deploy.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve the current deploy of an environment.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: "The environment whose approval you give.")
    var environment: String

    @Option(name: .long, help: "A comment for the audit trail.")
    var comment: String = ""

    func run() throws {
        let deploy = try IntentTarget.activeDeploy(options, needing: environment)
        try IntentTarget.append(options, actor.name, deploy.id, .approvalGiven(scope: environment, comment: comment))
        print("approved \(deploy.id) for \(environment) as \(actor.name)")
    }
}

/// `gantry tick ENV ITEM`: tick a manual checklist item of the environment's current deploy.
struct TickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Tick (or --untick) a checklist item of an environment's current deploy.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: "The environment.")
    var environment: String

    @Argument(help: "The item, as CHECKLIST/ITEM or ITEM.")
    var item: String

    @Option(name: .long, help: "A note or evidence, e.g. the backup's id.")
    var note: String = ""

    @Flag(name: .long, help: "Untick instead.")
    var untick = false

    func run() throws {
        let deploy = try IntentTarget.activeDeploy(options, needing: environment)
        let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
        let matches = deploy.checklists.flatMap { list in
            list.items.filter { parts.count == 2 ? (list.id == parts[0] && $0.spec.id == parts[1]) : $0.spec.id == item }
                .map { (list.id, $0.spec.id) }
        }
        guard let (list, id) = matches.first, matches.count == 1 else {
            let known = deploy.checklists.flatMap { list in list.items.map { "\(list.id)/\($0.spec.id)" } }
            throw CLIError("\(matches.isEmpty ? "no" : "more than one") item '\(SafeText.sanitize(item))' in \(deploy.id); items: \(known.joined(separator: ", "))")
        }
        let payload: EventPayload = untick ? .checklistItemUnticked(checklist: list, item: id, note: note)
            : .checklistItemTicked(checklist: list, item: id, note: note)
        try IntentTarget.append(options, actor.name, deploy.id, payload)
        print("\(untick ? "unticked" : "ticked") \(list)/\(id) of \(deploy.id) as \(actor.name)")
    }
}

enum IntentTarget {
    /// The unfinished deploy of an environment, or the deploy whose gate needs that environment's approval.
    static func activeDeploy(_ options: StoreOptions, needing environment: String) throws -> DeployState {
        let (_, state) = try options.loadState()
        let open = state.deploys.filter { !$0.status.isFinished }
        if let direct = open.last(where: { $0.environment == environment }) { return direct }
        if let gated = open.last(where: { deploy in deploy.policy.approvals.contains { $0.scope == environment } }) { return gated }
        throw CLIError("no deploy to \(SafeText.sanitize(environment)) is in progress; `gantry history` lists past ones")
    }

    static func append(_ options: StoreOptions, _ actor: String, _ deploy: DeployID, _ payload: EventPayload) throws {
        let store = try options.open(readOnly: false)
        do {
            _ = try store.append([PendingEvent(time: Date(), actor: actor, deploy: deploy, payload: payload)], expected: .any)
        } catch {
            throw CLIError(error.description)
        }
    }
}
