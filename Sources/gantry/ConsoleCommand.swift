import ArgumentParser
import Foundation
import GantryConsole
import GantryCore
import GantryPipeline
import GantryStore
import GantryTerminal

/// `gantry` (the default command): the live console on ./gantry.yaml and its event store.
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The live console (the default): watch, tick, approve, deploy and roll back.",
        discussion: """
        Keys: arrows/j k move, tab switches panels, space ticks, a approves, R rolls back, \
        d deploys, / searches the log, ? lists every key, q quits (deploys keep running).
        Themes: --theme NAME|PATH, else GANTRY_THEME, else `console: { theme: NAME }` in gantry.yaml, \
        else dark; built-in: dark, light, high-contrast, monochrome; files NAME.theme in ./themes \
        override them. NO_COLOR turns colour off.
        """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The theme: a name (dark, light, high-contrast, monochrome, or NAME.theme in ./themes) or a path.")
    var theme: String?

    @Flag(help: "Read-only: no key that changes anything (tick, approve, rollback, deploy).")
    var readonly = false

    @Option(help: "Who you are in the audit trail (default: $GANTRY_ACTOR, else $USER, else your login name).")
    var actor: String?

    func run() throws {
        let who = try ActorIdentity.resolve(flag: actor)
        let pipeline = try loadPipeline()
        let store = try openStore()
        try runWith(store: store, pipeline: pipeline, who: who)
    }

    /// Runs the console on an open store (`gantry demo` hands its own); `replay` opens that
    /// deploy's replay at start.
    func runWith(store: SQLiteEventStore, pipeline: PipelineFile?, who: String? = nil, replay: DeployID? = nil,
                 welcome: [String] = []) throws {
        let environment = ProcessInfo.processInfo.environment
        let who = try who ?? ActorIdentity.resolve(flag: actor)
        let selectedTheme = try loadTheme(environment: environment, settings: pipeline?.console ?? ConsoleSettings())
        var setup = ConsoleSetup(store: store, actor: who, readOnly: readonly, theme: selectedTheme)
        setup.samplesPath = SQLiteSampleStore.path(forEvents: store.path)
        setup.replay = replay
        setup.welcome = welcome
        let directories = themeDirectories()
        setup.themeNames = ThemeLoader.knownNames(searchDirectories: directories)
        setup.loadTheme = { name in
            do {
                return .success(try ThemeLoader.resolve(flag: name, environment: [:], searchDirectories: directories))
            } catch {
                let known: [String] = ThemeLoader.knownNames(searchDirectories: directories)
                let hint: String = Suggest.hint(name, among: known)
                let text: String = "theme \(SafeText.sanitize(name)): \(error)\(hint) (known: \(known.joined(separator: ", ")))"
                return .failure(CLIError(text))
            }
        }
        if let pipeline {
            setup.app = pipeline.app
            setup.environments = pipeline.environments.map(\.name)
            for name in setup.environments {
                if let policy = pipeline.deployPolicy(for: name) { setup.policies[name] = policy }
                setup.requires[name] = pipeline.environment(name)?.requires ?? []
            }
        }
        let status = try ConsoleLoop.run(setup)
        if status > 128 {
            // One line, after the terminal is restored: which signal, and that nothing stopped.
            let names: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"]
            let name = names[status - 128] ?? "signal \(status - 128)"
            FileHandle.standardError.write(Data("gantry: console stopped by \(name); deploys keep running\n".utf8))
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func loadPipeline() throws -> PipelineFile? {
        let exists = FileManager.default.fileExists(atPath: storeOptions.file)
        if !exists && storeOptions.store != nil { return nil }
        do {
            return try PipelineLoader.load(path: storeOptions.file)
        } catch {
            var stderr = StandardError()
            print(error.description, to: &stderr)
            if !exists {
                print("run gantry in a directory with a gantry.yaml, pass --file PATH (or --store PATH to watch a log), or try `gantry demo`",
                      to: &stderr)
            }
            throw ExitCode.failure
        }
    }

    /// `--theme`, then GANTRY_THEME, then the pipeline file's `console.theme` (a path in it is
    /// relative to the pipeline file), then dark. A configured name that is no theme is reported
    /// at its place in the pipeline file, with the nearest known name.
    /// Where `NAME.theme` files are looked for: beside the pipeline file, then ./themes.
    private func themeDirectories() -> [String] {
        let pipelineDirectory = (storeOptions.file as NSString).deletingLastPathComponent
        var directories = [FileManager.default.currentDirectoryPath + "/themes"]
        if !pipelineDirectory.isEmpty { directories.insert(pipelineDirectory + "/themes", at: 0) }
        return directories
    }

    private func loadTheme(environment: [String: String], settings: ConsoleSettings) throws -> Theme {
        let pipelineDirectory = (storeOptions.file as NSString).deletingLastPathComponent
        let directories = themeDirectories()
        var configured = settings.theme
        if let path = configured, path.contains("/"), !path.hasPrefix("/"), !pipelineDirectory.isEmpty {
            configured = pipelineDirectory + "/" + path
        }
        let choice = ThemeLoader.choose(flag: theme, configured: configured, environment: environment)
        do {
            return try ThemeLoader.resolve(flag: theme, configured: configured, environment: environment,
                                           searchDirectories: directories)
        } catch {
            guard choice.source == .config, let name = settings.theme else { throw CLIError("theme: \(error.description)") }
            let place = "\(storeOptions.file):\(settings.themeLine):\(settings.themeColumn)"
            if error.line == 0, !name.contains("/"), !name.hasSuffix(".theme") {
                let known = ThemeLoader.knownNames(searchDirectories: directories)
                throw CLIError("\(place): console.theme: no such theme '\(name)'\(Suggest.hint(name, among: known)) "
                    + "(known: \(known.joined(separator: ", ")); or a path to a .theme file)")
            }
            throw CLIError("\(place): console.theme: \(error.description)")
        }
    }

    private func openStore() throws -> SQLiteEventStore {
        let path = storeOptions.storePath
        if readonly && !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no event store at \(path) yet (run without --readonly to create it)")
        }
        if !readonly {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
        }
        return try storeOptions.open(readOnly: readonly)
    }
}

/// `gantry replay DEPLOY`: the console, read-only, on one past deploy: every panel as of each of
/// its events, stepped with `[` `]`.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a past deploy in the console, event by event (read-only).",
        discussion: "[ ] step one event, { } ten, g G the first and last, esc lists the environment's history, q quits.")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The deploy: its id or a unique prefix (`gantry history` lists them).")
    var deploy: String

    @Option(help: "The theme: a name or a path.")
    var theme: String?

    func run() throws {
        let (opened, state) = try storeOptions.loadState()
        guard let store = opened else { throw CLIError("no event store at \(storeOptions.storePath) yet: nothing to replay") }
        let found = try storeOptions.findDeploy(deploy, in: state)
        let pipeline = FileManager.default.fileExists(atPath: storeOptions.file) ? try? PipelineLoader.load(path: storeOptions.file) : nil
        var console = try ConsoleCommand.parse(["--readonly"] + (theme.map { ["--theme", $0] } ?? []))
        console.storeOptions = storeOptions
        try console.runWith(store: store, pipeline: pipeline, replay: found.id)
    }
}
