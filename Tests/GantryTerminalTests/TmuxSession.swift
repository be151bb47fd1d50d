import Foundation
import GantryConsole
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// A private tmux server (`tmux -L NAME -f /dev/null`) running the real `gantry` binary.
final class TmuxSession {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    let socket = "gantry-test-\(UUID().uuidString.prefix(8))"
    let directory: String
    let store: String
    let tmux: String

    /// A fresh directory with a store seeded with `phase` (or empty).
    init(seed phase: SampleDeploys.Phase?) throws {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first(where: FileManager.default.isExecutableFile)
        else {
            throw Missing(description: "tmux is not installed: the console's end-to-end tests need it (scripts/test.sh installs it with apt-get install tmux)")
        }
        self.tmux = tmux
        directory = NSTemporaryDirectory() + "gantry-tmux-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = directory + "/events.sqlite"
        let sqlite = try SQLiteEventStore(path: store)
        // Times end just before now, so durations on screen look like a live deploy.
        if let phase {
            _ = try sqlite.append(SampleDeploys.events(phase, start: SampleDeploys.start(phase, endingAt: Date())), expected: .any)
        }
        sqlite.close()
        let binary = BuiltBinary.path("gantry")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Missing(description: "\(binary) is missing: run `swift build` before `swift test`")
        }
    }

    deinit {
        _ = try? run(["kill-server"])
        try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts `gantry ARGS` in a `columns`×`rows` window. The pane's shell records the terminal mode
    /// before and after (`stty -g`), the console's pid and its exit status, then stays open.
    func start(_ arguments: [String], columns: Int = 100, rows: Int = 30, environment: [String: String] = [:]) throws {
        let binary = BuiltBinary.path("gantry")
        var env = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"]
        env.merge(environment) { _, new in new }
        let envArgs = env.sorted { $0.key < $1.key }.map { quote("\($0.key)=\($0.value)") }.joined(separator: " ")
        let args = arguments.map(quote).joined(separator: " ")
        let script = """
        cd \(quote(directory))
        trap : INT
        stty -g > stty.before
        sh -c 'echo $$ > pid; exec "$0" "$@"' env -u NO_COLOR -u GANTRY_THEME -u COLORTERM \(envArgs) \(quote(binary)) \(args)
        echo "EXIT $?" > exit
        stty -g > stty.after
        echo DONE
        sleep 600

        """
        try script.write(toFile: directory + "/run.sh", atomically: true, encoding: .utf8)
        _ = try run(["new-session", "-d", "-x", String(columns), "-y", String(rows), "sh", directory + "/run.sh"])
        _ = try run(["set-option", "-g", "status", "off"])
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        // posix_spawn + waitpid, output to a file: Foundation's Process never saw `tmux new-session`
        // exit (the forked server keeps what it inherited), and a pipe would stay open forever.
        let outputPath = directory + "/tmux-\(UUID().uuidString).out"
        let argv = [tmux, "-L", socket, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, tmux, &actions, nil, &cArguments, environ)
        guard status == 0 else { throw Missing(description: "cannot run tmux: errno \(status)") }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        try? FileManager.default.removeItem(atPath: outputPath)
        return String(decoding: data, as: UTF8.self)
    }

    /// The screen as text (or with colour escapes).
    func capture(colors: Bool = false) -> String {
        (try? run(["capture-pane", "-p"] + (colors ? ["-e"] : []))) ?? ""
    }

    /// Sends tmux key names (e.g. "Tab", "Enter", "Space", "j").
    func keys(_ names: String...) throws { try run(["send-keys"] + names) }

    /// Sends literal text (also raw escape sequences, e.g. an SGR mouse click).
    func literal(_ text: String) throws { try run(["send-keys", "-l", "--", text]) }

    /// A left click at a 0-based cell, as the SGR mouse sequences xterm sends.
    func click(column: Int, row: Int) throws {
        try literal("\u{1B}[<0;\(column + 1);\(row + 1)M")
        try literal("\u{1B}[<0;\(column + 1);\(row + 1)m")
    }

    /// The mouse wheel at a 0-based cell (SGR buttons 64 up, 65 down).
    func wheel(up: Bool, column: Int, row: Int) throws {
        try literal("\u{1B}[<\(up ? 64 : 65);\(column + 1);\(row + 1)M")
    }

    func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-x", String(columns), "-y", String(rows)])
    }

    /// Waits until the screen satisfies `condition`; fails with the last screen otherwise.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 8, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = capture()
            if condition(screen) { return screen }
            usleep(50_000)
        }
        XCTFail("timed out waiting for \(what); the screen was:\n\(screen)", file: file, line: line)
        return screen
    }

    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 8, file: StaticString = #filePath, line: UInt = #line) -> String {
        waitFor("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// Where `text` is on screen (0-based column, row).
    func locate(_ text: String) -> (column: Int, row: Int)? {
        for (row, line) in capture().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: text) {
                return (line[line.startIndex..<range.lowerBound].count, row)
            }
        }
        return nil
    }

    func file(_ name: String) -> String? {
        try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    /// Waits for the console to exit; returns the status line `EXIT N`.
    func waitForExit(timeout: TimeInterval = 8, file: StaticString = #filePath, line: UInt = #line) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = self.file("stty.after"), !text.isEmpty, let exit = self.file("exit") {
                return exit.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            usleep(50_000)
        }
        XCTFail("the console did not exit; the screen was:\n\(capture())", file: file, line: line)
        return ""
    }

    var pid: Int32? { file("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }

    /// The first non-nil answer of `probe`, polled for up to `timeout` seconds (nil if none came).
    func eventually<T>(timeout: TimeInterval = 8, _ probe: () throws -> T?) throws -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try probe() { return value }
            usleep(20_000)
        }
        return try probe()
    }

    /// The events in the store now.
    func events() throws -> [Event] {
        let sqlite = try SQLiteEventStore(path: store, readOnly: true)
        defer { sqlite.close() }
        return try sqlite.read(after: 0, limit: 100_000)
    }

    func append(_ event: PendingEvent) throws {
        let sqlite = try SQLiteEventStore(path: store)
        defer { sqlite.close() }
        _ = try sqlite.append([event], expected: .any)
    }

    private func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
