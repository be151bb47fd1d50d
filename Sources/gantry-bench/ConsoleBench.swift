import Foundation
import GantryCore
import GantryStore
#if canImport(Glibc)
import Glibc
#endif

/// The console figures, measured on the real `gantry` binary running on a pseudo-terminal:
/// keypress to screen while another writer streams log lines into the same store, the bytes a
/// one-line change costs, and idle CPU with a finished deploy on screen.
struct ConsoleBench {
    /// The `gantry` executable to run.
    let gantry: String
    /// A directory for the stores (removed by the caller).
    let directory: String
    /// Key presses timed (each one opens or closes the help overlay).
    var keySamples = 200
    /// Log lines per second the other writer appends.
    var linesPerSecond = 10_000
    /// How long idle CPU is measured.
    var idleSeconds = 60.0

    /// The help overlay's last line (ncurses writes rows top to bottom; only the box's bottom
    /// edge and the key bar follow it).
    static let helpOpenMarker = "quit (deploys keep running)"
    /// The main key bar (each key is written in bold, the words after it plain): it comes back
    /// only when the overlay closed. Its last row: the whole frame is out when it appears.
    static let helpClosedMarker = " approve"

    static let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]

    /// Runs the console figures with the command line's options, in a directory of its own.
    static func runFromCommandLine(_ arguments: [String], directory: String) {
        func value(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
        let gantry = value("--gantry") ?? ((me as NSString).deletingLastPathComponent + "/gantry")
        guard FileManager.default.isExecutableFile(atPath: gantry) else {
            print("console figures skipped: no gantry binary at \(gantry) (swift build -c release, or --gantry PATH)")
            return
        }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bench = ConsoleBench(gantry: gantry, directory: directory)
        bench.keySamples = value("--key-samples").flatMap(Int.init) ?? 200
        bench.linesPerSecond = value("--lines-per-second").flatMap(Int.init) ?? 10_000
        let idle = value("--idle-seconds") ?? ProcessInfo.processInfo.environment["GANTRY_BENCH_IDLE_SECONDS"]
        bench.idleSeconds = idle.flatMap(Double.init) ?? 60
        print("console: \(gantry)")
        bench.run()
    }

    func run() {
        do {
            try keyLatency()
            try oneLineBytes()
            try idleCPU()
        } catch {
            print("console benchmark failed: \(error)")
        }
    }

    // MARK: - Stores

    private static let policy = DeployPolicy(
        strategy: "rolling",
        stages: [StagePlan(id: "build", summary: "docker build"), StagePlan(id: "production", summary: "deploy production (rolling)",
                                                                           needs: ["build"])],
        checklists: [], approvals: [])

    /// A store holding one deploy whose `build` stage is running with `lines` log lines.
    private func runningStore(_ name: String, lines: Int) throws -> (SQLiteEventStore, DeployID) {
        let store = try SQLiteEventStore(path: directory + "/\(name).sqlite")
        let deploy = DeployID("production-2.1.0")
        let now = Date()
        var events = [
            PendingEvent(time: now, actor: "alice", deploy: deploy,
                         payload: .deployRequested(environment: "production", version: "2.1.0", policy: Self.policy)),
            PendingEvent(time: now, actor: "executor", deploy: deploy, payload: .deployStarted),
            PendingEvent(time: now, actor: "executor", deploy: deploy,
                         payload: .stageStarted(stage: "build", command: ["docker", "build", "-t", "web:2.1.0", "."])),
        ]
        for index in 0..<lines {
            events.append(PendingEvent(time: now, actor: "executor", deploy: deploy,
                                       payload: .stageLogged(stage: "build", stream: .stdout, line: "step \(index + 1): ok")))
        }
        _ = try store.append(events, expected: .any)
        return (store, deploy)
    }

    private func console(store: String, columns: Int, rows: Int) throws -> PseudoTerminal {
        // --file names a file that does not exist: the console runs on the store alone.
        try PseudoTerminal(executable: gantry,
                           arguments: ["--store", store, "--file", directory + "/no-pipeline.yaml", "--actor", "bench"],
                           columns: columns, rows: rows, environment: Self.environment)
    }

    // MARK: - Keypress to screen

    /// Times `?` (help opens) and `?` again (help closes) while the writer streams log lines
    /// into the running stage the console shows at 200x60.
    func keyLatency() throws {
        let (store, deploy) = try runningStore("keys", lines: 100)
        defer { store.close() }
        let terminal = try console(store: directory + "/keys.sqlite", columns: 200, rows: 60)
        defer { terminal.stop() }
        guard terminal.waitFor(Self.helpClosedMarker, timeout: 10) else {
            throw PseudoTerminal.SpawnError(description: "the console did not draw its first frame within 10 s")
        }
        terminal.waitForQuiet(0.2, timeout: 2)
        let writer = LogWriter(store: store, deploy: deploy, stage: "build", perSecond: linesPerSecond)
        writer.start()
        usleep(1_000_000)
        let cpuBefore = terminal.cpuSeconds() ?? 0
        let wallBefore = DispatchTime.now().uptimeNanoseconds
        var samples: [Double] = []
        var missed = 0
        var generator = SystemRandomNumberGenerator()
        for index in 0..<keySamples {
            let marker = index % 2 == 0 ? Self.helpOpenMarker : Self.helpClosedMarker
            if let seconds = terminal.timeInput(Array("?".utf8), until: marker, timeout: 2) {
                samples.append(seconds * 1000)
            } else {
                missed += 1
                // Put the overlay into a known state again: closed.
                if index % 2 == 0 { terminal.send(Array("?".utf8)) }
                usleep(300_000)
                if index % 2 == 0 { _ = terminal.timeInput(Array("?".utf8), until: Self.helpOpenMarker, timeout: 2) }
            }
            // Spread the presses over the frame cycle.
            usleep(useconds_t.random(in: 15_000...45_000, using: &generator))
        }
        let cpuAfter = terminal.cpuSeconds() ?? 0
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallBefore) / 1e9
        let (written, rate) = writer.stop()
        samples.sort()
        let label = "keypress->screen, \(linesPerSecond / 1000)k lines/s"
        guard !samples.isEmpty else {
            Bench.report(label, "no key was drawn", target: "p95 <= 16 ms", met: false)
            return
        }
        let p50 = Self.percentile(samples, 50), p95 = Self.percentile(samples, 95)
        Bench.report("\(label), p50", String(format: "%.1f ms", p50), target: "(figure only)", met: true)
        Bench.report("\(label), p95", String(format: "%.1f ms", p95), target: "p95 <= 16 ms", met: p95 <= 16 && missed == 0)
        print(String(format: "    n=%d keys drawn (%d missed), max %.1f ms; writer appended %d lines at %.0f/s; "
                     + "console CPU while streaming %.1f%% of a core (200x60, pty)",
                     samples.count, missed, samples.last ?? 0, written, rate, (cpuAfter - cpuBefore) / wall * 100))
    }

    static func percentile(_ sorted: [Double], _ p: Int) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * Double(p) / 100).rounded(.up)) - 1))]
    }

    // MARK: - Bytes for a one-line change

    /// Bytes on the terminal for one new log line (into an empty row of the log panel) and for
    /// one duration tick, at 120x40; the first full frame for comparison. Medians of 5.
    func oneLineBytes() throws {
        let (store, deploy) = try runningStore("bytes", lines: 3)
        defer { store.close() }
        let terminal = try console(store: directory + "/bytes.sqlite", columns: 120, rows: 40)
        defer { terminal.stop() }
        terminal.startCapture()
        guard terminal.waitFor(Self.helpClosedMarker, timeout: 10) else {
            throw PseudoTerminal.SpawnError(description: "the console did not draw its first frame within 10 s")
        }
        terminal.waitForQuiet(0.2, timeout: 2)
        let firstFrame = terminal.stopCapture().count
        var lineBytes: [Double] = [], tickBytes: [Double] = []
        for index in 0..<5 {
            // Just after a tick, so the next one is most of a second away.
            _ = nextBurst(terminal, timeout: 1.5)
            usleep(100_000)
            terminal.startCapture()
            _ = try store.append(PendingEvent(time: Date(), actor: "executor", deploy: deploy,
                                              payload: .stageLogged(stage: "build", stream: .stdout,
                                                                    line: "step \(index + 4): ok")))
            let arrived = terminal.waitForBytes(timeout: 1)
            terminal.waitForQuiet(0.05, timeout: 0.5)
            let line = terminal.stopCapture()
            if !arrived { continue }
            if !line.isEmpty { lineBytes.append(Double(line.count)) }
            if let tick = nextBurst(terminal, timeout: 1.5) { tickBytes.append(Double(tick)) }
        }
        lineBytes.sort()
        tickBytes.sort()
        let line = lineBytes.isEmpty ? "not seen" : String(format: "%.0f bytes", lineBytes[lineBytes.count / 2])
        let tick = tickBytes.isEmpty ? "not seen" : String(format: "%.0f bytes", tickBytes[tickBytes.count / 2])
        let frameTarget = "only changed cells (full frame \(firstFrame) bytes)"
        Bench.report("bytes for one new log line (120x40)", line, target: frameTarget,
                     met: !lineBytes.isEmpty && lineBytes[lineBytes.count / 2] < Double(firstFrame) / 20)
        Bench.report("bytes for one duration tick (120x40)", tick, target: frameTarget,
                     met: !tickBytes.isEmpty && tickBytes[tickBytes.count / 2] < Double(firstFrame) / 20)
    }

    /// Waits for the next burst of output and returns its size once quiet for 50 ms.
    private func nextBurst(_ terminal: PseudoTerminal, timeout: Double) -> Int? {
        terminal.startCapture()
        guard terminal.waitForBytes(timeout: timeout) else {
            _ = terminal.stopCapture()
            return nil
        }
        terminal.waitForQuiet(0.05, timeout: 0.5)
        return terminal.stopCapture().count
    }

    // MARK: - Idle CPU

    /// CPU used by a console showing a finished deploy, over `idleSeconds`.
    func idleCPU() throws {
        let store = try SQLiteEventStore(path: directory + "/idle.sqlite")
        let deploy = DeployID("production-2.1.0")
        let now = Date()
        let events: [EventPayload] = [
            .deployRequested(environment: "production", version: "2.1.0", policy: Self.policy),
            .deployStarted,
            .stageStarted(stage: "build", command: ["docker", "build", "."]),
            .stageLogged(stage: "build", stream: .stdout, line: "done"),
            .stageSucceeded(stage: "build"),
            .stageStarted(stage: "production", command: ["kubectl", "set", "image", "deployment/web", "web=web:2.1.0"]),
            .stageSucceeded(stage: "production"),
            .deployFinished(outcome: .succeeded, reason: ""),
        ]
        _ = try store.append(events.map { PendingEvent(time: now, actor: "executor", deploy: deploy, payload: $0) },
                             expected: .any)
        store.close()
        let terminal = try console(store: directory + "/idle.sqlite", columns: 120, rows: 40)
        defer { terminal.stop() }
        guard terminal.waitFor(Self.helpClosedMarker, timeout: 10) else {
            throw PseudoTerminal.SpawnError(description: "the console did not draw its first frame within 10 s")
        }
        terminal.waitForQuiet(0.5, timeout: 3)
        let cpuBefore = terminal.cpuSeconds() ?? 0
        let bytesBefore = terminal.bytesWritten
        let start = DispatchTime.now().uptimeNanoseconds
        usleep(useconds_t(idleSeconds * 1e6))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = ((terminal.cpuSeconds() ?? 0) - cpuBefore) / seconds * 100
        Bench.report(String(format: "idle CPU, finished deploy, %.0f s", seconds), String(format: "%.2f%% of a core", cpu),
                     target: "<= 0.5%", met: cpu <= 0.5)
        print("    \(terminal.bytesWritten - bytesBefore) bytes written to the terminal while idle")
    }
}
