import Foundation
import GantryConsole
import GantryCore
import GantryStore
import GantryTerminal

/// What the live console runs on.
struct ConsoleSetup {
    var store: SQLiteEventStore
    var actor: String
    var readOnly: Bool
    var theme: Theme
    var app = ""
    var environments: [String] = []
    var policies: [String: DeployPolicy] = [:]
}

/// Events delivered by the store subscription, waiting for the loop.
private final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    private var failure: String?
    func push(_ event: Event) { lock.withLock { events.append(event) } }
    func fail(_ text: String) { lock.withLock { failure = text } }
    func take() -> ([Event], String?) {
        lock.withLock {
            defer { events.removeAll(keepingCapacity: true); failure = nil }
            return (events, failure)
        }
    }
}

/// The live loop: fold the log, render, present only changed cells, block until a key, a store
/// event, a resize or a signal (no busy redraw), apply the key, append intents.
enum ConsoleLoop {
    static func run(_ setup: ConsoleSetup) throws -> Int32 {
        var state = GantryState()
        do {
            try setup.store.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
        } catch {
            throw CLIError(error.description)
        }
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal()
        } catch {
            throw CLIError(error.description)
        }
        defer { terminal.stop() }
        let theme = terminal.adapt(setup.theme)
        var model = ConsoleModel(state: state, pipelineEnvironments: setup.environments, policies: setup.policies,
                                 app: setup.app, actor: setup.actor, readOnly: setup.readOnly,
                                 glyphs: terminal.isUTF8 ? .unicode : .ascii, now: Date())
        if let active = model.environments.firstIndex(where: { model.state.environments[$0]?.activeDeploy != nil }) {
            model.ui.environment = active
        }

        let inbox = EventInbox()
        let store = setup.store
        let subscription = Task.detached {
            do {
                for try await event in store.subscribe(after: state.lastSeq) {
                    inbox.push(event)
                    TerminalSignals.poke()
                }
            } catch {
                inbox.fail("live updates stopped: \(error)")
                TerminalSignals.poke()
            }
        }
        defer { subscription.cancel() }

        var lastFrame: CellBuffer?
        var needsRender = true
        var keyPressed = false
        var lastPresent: UInt64 = 0
        while true {
            let (events, failure) = inbox.take()
            for event in events where event.seq > model.state.lastSeq { Reducer.reduce(into: &model.state, event) }
            if !events.isEmpty { needsRender = true }
            if let failure {
                model.ui.message = failure
                model.ui.messageIsError = true
                needsRender = true
            }
            let size = terminal.size
            if size != lastFrame.map({ TerminalSize(columns: $0.width, rows: $0.height) }) { needsRender = true }
            // Durations tick once a second while something runs; otherwise sleep until woken.
            let running = model.state.environments.values.contains { $0.activeDeploy != nil }
            var timeout: Int32 = running ? 1000 : -1
            if needsRender {
                // A key redraws at once; a stream of store events at most ~60 times a second.
                let sinceMs = Int32(min(1000, (DispatchTime.now().uptimeNanoseconds &- lastPresent) / 1_000_000))
                if keyPressed || sinceMs >= 16 {
                    model.now = Date()
                    let frame = ConsoleScreen.render(model, theme: theme, size: size)
                    if frame != lastFrame {
                        terminal.present(frame)
                        lastFrame = frame
                    }
                    lastPresent = DispatchTime.now().uptimeNanoseconds
                    needsRender = false
                    keyPressed = false
                } else {
                    timeout = 16 - sinceMs
                }
            }
            switch terminal.wait(timeoutMilliseconds: timeout) {
            case .signal(let number):
                return 128 + number
            case .timeout:
                needsRender = true
            case .poked:
                continue
            case .input:
                needsRender = true
                keyPressed = true
                for key in terminal.readKeys() {
                    for effect in ConsoleUpdate.handle(key, model: &model, size: size) {
                        switch effect {
                        case .quit:
                            return 0
                        case .append(let deploy, let payload, let newStream):
                            do {
                                let event = PendingEvent(time: Date(), actor: setup.actor, deploy: deploy, payload: payload)
                                _ = try store.append([event], expected: newStream ? .noStream : .any)
                            } catch {
                                model.ui.message = "not recorded: \(error.description)"
                                model.ui.messageIsError = true
                            }
                        }
                    }
                }
            }
        }
    }
}
