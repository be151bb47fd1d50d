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
    var requires: [String: [String]] = [:]
    /// The live samples file beside the store (read, never written, by the console).
    var samplesPath: String?
    /// What the log panel says before any deploy (the demo's guide).
    var welcome: [String] = []
    /// A deploy to open as a replay at start (`gantry replay`).
    var replay: DeployID?
    /// Theme names the palette offers, and how to load one by name.
    var themeNames: [String] = []
    var loadTheme: @Sendable (String) -> Result<Theme, CLIError> = { .failure(CLIError("no theme '\($0)'")) }
}

/// The live loop: read keys first and draw them at once, fold store events in bounded slices,
/// draw store changes at most ~60 times a second, present only changed cells, and block until a
/// key, a store event, a resize or a signal (no busy redraw). Intents are appended off the loop.
enum ConsoleLoop {
    static func run(_ setup: ConsoleSetup) throws -> Int32 {
        var state = GantryState()
        do {
            state = try StateSnapshot.state(of: setup.store)
        } catch {
            throw CLIError(error.description)
        }
        // Intents still queued when the console quits are appended after the terminal is restored.
        let inbox = EventInbox()
        let writer = IntentWriter(store: setup.store) { message, isError in
            if inbox.post(message, isError: isError) { TerminalSignals.poke() }
        }
        defer { writer.drain() }
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal()
        } catch {
            throw CLIError(error.description)
        }
        defer { terminal.stop() }
        var theme = terminal.adapt(setup.theme)
        var model = ConsoleModel(state: state, pipelineEnvironments: setup.environments, policies: setup.policies,
                                 app: setup.app, actor: setup.actor, readOnly: setup.readOnly,
                                 glyphs: terminal.isUTF8 ? .unicode : .ascii, now: Date())
        model.logDamage = setup.store.damage?.summary
        model.requires = setup.requires
        model.themeNames = setup.themeNames
        model.welcome = setup.welcome
        if let active = model.environments.firstIndex(where: { model.state.environments[$0]?.activeDeploy != nil }) {
            model.ui.environment = active
        }

        let store = setup.store
        // The whole chain is checked off the loop (a second per million events); a log edited
        // behind Gantry's back is then said in red on the status line.
        let verification = Task.detached {
            guard let problem = try? store.verifyChain().problem else { return }
            if inbox.postDamage("LOG ALTERED: \(problem.summary) (gantry verify)") { TerminalSignals.poke() }
        }
        defer { verification.cancel() }
        let subscription = Task.detached {
            do {
                for try await event in store.subscribe(after: state.lastSeq) {
                    // Wakes the loop once per batch it has not seen yet, not once per event.
                    if inbox.push(event) { TerminalSignals.poke() }
                }
            } catch {
                if inbox.post("live updates stopped: \(error)") { TerminalSignals.poke() }
            }
        }
        defer { subscription.cancel() }
        // The agent's live samples (apart from the log), read each second while the console runs.
        let samplesPath = setup.samplesPath
        let liveReader = Task.detached {
            var opened: SQLiteSampleStore?
            var last = LiveSamples()
            while !Task.isCancelled {
                if opened == nil, let samplesPath, FileManager.default.fileExists(atPath: samplesPath) {
                    opened = try? SQLiteSampleStore(path: samplesPath, readOnly: true)
                }
                if let opened, let samples = try? opened.recent(limit: 240), samples != last {
                    last = samples
                    if inbox.postLive(samples) { TerminalSignals.poke() }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        defer { liveReader.cancel() }
        var travelLoad: Task<Void, Never>?
        defer { travelLoad?.cancel() }
        func openTravel(_ deploy: DeployID) {
            travelLoad?.cancel()
            travelLoad = Task.detached {
                let result = Result { try TravelLoader.load(deploy, from: store) }.mapError { $0 as? CLIError ?? CLIError("\($0)") }
                if inbox.postTravel(result) { TerminalSignals.poke() }
            }
        }
        if let replay = setup.replay { openTravel(replay) }

        var lastFrame: CellBuffer?
        // The frame before last, drawn over again (no allocation per frame).
        var spare = CellBuffer(width: 0, height: 0)
        var pacer = FramePacer()
        var inputReady = true
        var moreInput = false
        func draw(_ size: TerminalSize) {
            model.now = Date()
            ConsoleScreen.render(model, theme: theme, size: size, reusing: &spare)
            if spare != lastFrame {
                terminal.present(spare)
                if let previous = lastFrame {
                    lastFrame = spare
                    spare = previous
                } else {
                    lastFrame = spare
                    spare = CellBuffer(width: 0, height: 0)
                }
            }
            pacer.drew(at: DispatchTime.now().uptimeNanoseconds)
        }
        while true {
            // 1. Keys first: handled and drawn before any store backlog is folded.
            let size = terminal.size
            var drawNow = size != lastFrame.map { TerminalSize(columns: $0.width, rows: $0.height) }
            if inputReady {
                let keys = terminal.readKeys()
                moreInput = keys.count >= NcursesTerminal.keysPerRead
                for key in keys {
                    drawNow = true
                    for effect in ConsoleUpdate.handle(key, model: &model, size: size) {
                        switch effect {
                        case .quit:
                            return 0
                        case .command(let command):
                            // Decided again and appended off the loop (it may wait for an fsync or another writer).
                            writer.record(command, as: setup.actor)
                        case .openTravel(let deploy):
                            model.ui.notify("loading the replay of \(deploy)…", isError: false, at: Date())
                            openTravel(deploy)
                        case .setTheme(let name):
                            switch setup.loadTheme(name) {
                            case .success(let loaded):
                                theme = terminal.adapt(loaded)
                                lastFrame = nil
                                model.ui.notify("theme \(name)", isError: false, at: Date())
                            case .failure(let error):
                                model.ui.notify(error.description, isError: true, at: Date())
                            }
                        }
                    }
                }
            }
            if drawNow { draw(size) }

            // 2. Fold one bounded slice of store events; the rest waits for the next turn.
            let slice = inbox.take(limit: FramePacer.foldSlice)
            for event in slice.events where event.seq > model.state.lastSeq { Reducer.reduce(into: &model.state, event) }
            if !slice.events.isEmpty { pacer.noteStoreChange() }
            for message in slice.messages {
                model.ui.message = message.text
                model.ui.messageIsError = message.isError
                model.ui.notify(message.text, isError: message.isError, at: Date(), resolvesPending: true)
                pacer.noteStoreChange()
            }
            if let live = slice.live {
                model.live = live
                pacer.noteStoreChange()
            }
            if let travel = slice.travel {
                switch travel {
                case .success(let loaded):
                    model.ui.travel = loaded
                    model.ui.stage = nil
                    model.ui.logScroll = 0
                    if model.ui.focus == .environments { model.ui.focus = .pipeline }
                    model.ui.notify("replaying \(loaded.version) to \(loaded.environment): [ ] step, esc returns", isError: false, at: Date())
                case .failure(let error):
                    model.ui.notify(error.description, isError: true, at: Date())
                }
                pacer.noteStoreChange()
            }
            if let damage = slice.damage {
                model.logDamage = [model.logDamage, damage].compactMap { $0 }.joined(separator: " · ")
                pacer.noteStoreChange()
            }

            // 3. Store changes at most ~60 frames a second; durations tick once a second.
            // Durations tick, and notifications fade, once a second.
            let running = model.state.environments.values.contains { $0.activeDeploy != nil }
                || !model.ui.visibleNotices(now: Date()).isEmpty
            let now = DispatchTime.now().uptimeNanoseconds
            if pacer.shouldDraw(now: now, running: running) { draw(size) }

            // 4. Sleep until a key, a store event, a resize or a signal (or the next frame/tick).
            let timeout = pacer.timeout(now: DispatchTime.now().uptimeNanoseconds, backlog: slice.more || moreInput,
                                        running: running)
            switch terminal.wait(timeoutMilliseconds: timeout) {
            case .signal(let number):
                return 128 + number
            case .input:
                inputReady = true
            case .poked, .timeout:
                inputReady = moreInput
            }
        }
    }
}
