import ArgumentParser
import Foundation
import GantryCore
import GantryStore

/// `gantry approve ENV`: approve the deploy that needs the environment's approvals.
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
        print(try options.record(.approve(environment: environment, comment: comment), as: actor.resolve()).summary)
    }
}

/// `gantry tick ENV ITEM`: tick a manual checklist item of the environment's current deploy.
struct TickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Tick (or --untick) a manual checklist item of an environment's current deploy.")

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
        let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
        let (list, id) = parts.count == 2 ? (Optional(parts[0]), parts[1]) : (nil, item)
        let command: Command = untick ? .untick(environment: environment, checklist: list, item: id, note: note)
            : .tick(environment: environment, checklist: list, item: id, note: note)
        print(try options.record(command, as: actor.resolve()).summary)
    }
}

/// `gantry override ENV --reason TEXT`: force a closed gate open (an emergency), in the audit trail.
struct OverrideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Force a closed gate of an environment's deploy open without its conditions (an emergency; audited).")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: "The environment whose deploy waits at the gate.")
    var environment: String

    @Option(name: .long, help: "Why the gate is forced open (required; kept in the audit trail).")
    var reason: String = ""

    @Option(name: .long, help: "The gate stage, when the deploy has more than one closed gate.")
    var gate: String?

    func run() throws {
        print(try options.record(.override(environment: environment, gate: gate, reason: reason), as: actor.resolve()).summary)
    }
}

/// `gantry cancel ENV`: stop the environment's deploy where it is (not a rollback).
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop an environment's deploy where it is; the cluster stays as its last completed step left it (not a rollback).")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: "The environment.")
    var environment: String

    @Option(name: .long, help: "Why (recorded in the audit trail).")
    var reason: String = ""

    func run() throws {
        print(try options.record(.cancel(environment: environment, reason: reason), as: actor.resolve()).summary)
    }
}
