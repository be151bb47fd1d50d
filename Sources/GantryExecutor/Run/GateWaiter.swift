import Foundation
import GantryCore
import GantryStore

/// Runs a gate: verifies its automatic checklist items, then waits — without polling — for
/// ticks and approvals arriving as events from any process, and opens the moment the rules hold.
struct GateWaiter {
    let store: any EventStore
    let recorder: Recorder
    let runner: any ProcessRunner
    let deploy: DeployID
    let gate: String
    let placeholders: (String) -> String
    /// Seconds to wait before giving up; nil waits as long as it takes.
    let timeout: Double?
    /// Where `verify:` commands run.
    let directory: String?

    func run() async throws {
        try await verifyAutomaticItems()
        var lastSummary = ""
        let deadline = timeout.map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
        while true {
            try Task.checkCancellation()
            let (state, lastSeq) = try fold()
            guard let current = state.deploys[deploy] else { throw ExecutorError.refused("deploy \(deploy) vanished") }
            let status = GateRules.evaluate(gate: gate, in: current)
            if status.isOpen {
                if !current.openedGates.contains(gate) { try recorder.record(.gateOpened(gate: gate, overrideReason: "")) }
                return
            }
            // One line when what the gate waits for changes (the checklist, then the approvals),
            // not one per tick: counts and names are left out of the comparison.
            let shape = Self.shape(of: status.summary)
            if shape != lastSummary {
                lastSummary = shape
                recorder.log(gate, .system, "waiting: \(status.summary)")
                recorder.flush()
            }
            let arrived = try await nextEvent(after: lastSeq, deadline: deadline)
            if !arrived { throw ExecutorError.refused("gate \(gate) cannot open: \(status.summary)") }
        }
    }

    /// `summary` without its counts and parenthesised lists: `checklist pre-deploy: # of # left`.
    static func shape(of summary: String) -> String {
        var result = ""
        var depth = 0
        for character in summary {
            if character == "(" { depth += 1 } else if character == ")" { depth = max(0, depth - 1) }
            else if depth == 0 { result.append(character.isNumber ? "#" : character) }
        }
        return result
    }

    private func fold() throws -> (GantryState, Int64) {
        do {
            let events = try store.readStream(deploy)
            return (Reducer.fold(events), events.last?.seq ?? 0)
        } catch {
            throw ExecutorError.store(error.description)
        }
    }

    /// Waits for the next event of this deploy; false when the deadline passed first.
    private func nextEvent(after seq: Int64, deadline: ContinuousClock.Instant?) async throws -> Bool {
        let store = self.store, deploy = self.deploy
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for try await event in store.subscribe(after: seq) where event.deploy == deploy { return true }
                // The subscription ended without an event (the store is closing): look again after a
                // pause rather than at once, so a closed store can never make this loop spin.
                try await Task.sleep(for: .milliseconds(250))
                return true
            }
            if let deadline {
                group.addTask {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return false
                }
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func verifyAutomaticItems() async throws {
        let (state, _) = try fold()
        guard let current = state.deploys[deploy] else { return }
        let lists = current.policy.stages.first { $0.id == gate }?.gate.compactMap { requirement -> String? in
            if case .checklist(let id) = requirement { return id }
            return nil
        } ?? []
        for list in lists {
            guard let checklist = current.checklist(list) else { continue }
            for item in checklist.items where item.spec.isAutomatic && !item.isSatisfied {
                let argv = item.spec.verify.map(placeholders)
                recorder.log(gate, .system, "$ " + ShellQuote.join(argv))
                let output = LineBox(keep: 20)
                let recorder = self.recorder, gate = self.gate
                let result: CommandResult
                do {
                    result = try await runner.run(ProcessCommand(argv, timeout: 300, directory: directory)) { stream, line in
                        output.append(line)
                        recorder.log(gate, stream, line)
                    }
                } catch let error as CommandError {
                    try recorder.record(.checklistItemVerified(checklist: list, item: item.spec.id, passed: false,
                                                               evidence: error.description))
                    continue
                }
                let evidence = output.lines.suffix(20).joined(separator: "\n")
                try recorder.record(.checklistItemVerified(
                    checklist: list, item: item.spec.id, passed: result.succeeded,
                    evidence: evidence.isEmpty ? "exit status \(result.status)" : evidence))
            }
        }
    }
}
