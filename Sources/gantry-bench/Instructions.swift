import Foundation
import GantryConsole
import GantryCore
import GantryStore

/// Instruction counts under `valgrind --tool=callgrind`: unlike times, they hold under load and
/// across runs. Each figure is the count of a run doing the work minus the count of the same run
/// doing only its setup (building the events, opening the store, rendering the first frame),
/// divided by the events folded or frames composed.
enum Instructions {
    nonisolated(unsafe) static var sink = 0

    /// (kind, how many, of what)
    static let pieces: [(kind: String, count: Int, unit: String)] = [
        ("fold", 200_000, "event"), ("compose", 40, "frame at 200x60"), ("replay", 100_000, "event"),
    ]

    /// The measured work, run by the child under valgrind.
    static func work(_ kind: String, count: Int, setupOnly: Bool, path: String?) {
        switch kind {
        case "fold":
            let events = Workload.numbered(count: count)
            guard !setupOnly else { sink = events.count; return }
            var state = GantryState()
            for index in events.indices { Reducer.reduce(into: &state, events[index]) }
            sink = state.eventCount
        case "compose":
            var model = SampleDeploys.model(.rollingBack)
            model.ui.search = "scaled"
            let size = TerminalSize(columns: 200, rows: 60)
            var previous = ConsoleScreen.render(model, theme: .dark, size: size)
            guard !setupOnly else { sink = previous.width; return }
            var spare = previous
            for frame in 0..<count {
                model.now = model.now.addingTimeInterval(1)
                model.ui.focus = Panel.allCases[frame % Panel.allCases.count]
                ConsoleScreen.render(model, theme: .dark, size: size, reusing: &spare)
                sink += spare.diff(from: previous).count
                swap(&spare, &previous)
            }
        case "replay":
            guard let path, let store = try? SQLiteEventStore(path: path, readOnly: true) else { exit(3) }
            defer { store.close() }
            guard !setupOnly else { sink = Int((try? store.lastSeq()) ?? 0); return }
            var state = GantryState()
            try? store.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
            sink = state.eventCount
        case "prepare":
            // The log the replay reads (also for a `--count-instructions replay` of another build).
            guard let path else { exit(3) }
            do { try prepareStore(path, count: count) } catch { exit(4) }
        default:
            exit(2)
        }
    }

    static func prepareStore(_ path: String, count: Int) throws {
        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        let all = Workload.pending(count: count)
        for start in stride(from: 0, to: all.count, by: 5000) {
            _ = try store.append(Array(all[start..<min(start + 5000, all.count)]), expected: .any)
        }
    }

    static func run(directory: String) {
        let valgrind = arguments.firstIndex(of: "--valgrind").map { arguments[$0 + 1] } ?? "/usr/bin/valgrind"
        guard FileManager.default.isExecutableFile(atPath: valgrind) else {
            Bench.report("instruction counts", "valgrind missing", target: "apt-get install valgrind", met: false)
            return
        }
        // The log the replay reads.
        let path = directory + "/instructions.sqlite"
        do {
            try prepareStore(path, count: pieces.first { $0.kind == "replay" }!.count)
        } catch {
            Bench.report("instruction counts", "no store: \(error)", target: "", met: false)
            return
        }
        // valgrind cannot read the release build's DWARF; a copy without debug information runs.
        let binary = directory + "/gantry-bench-stripped"
        try? FileManager.default.removeItem(atPath: binary)
        do {
            try FileManager.default.copyItem(atPath: CommandLine.arguments[0], toPath: binary)
            try DeployBench.command(["/usr/bin/strip", "--strip-debug", binary], [:])
        } catch {
            Bench.report("instruction counts", "no stripped copy: \(error)", target: "binutils' strip", met: false)
            return
        }
        for piece in pieces {
            let arguments = ["--count-instructions", piece.kind, String(piece.count), "--path", path]
            guard let full = count(valgrind, binary, arguments, directory: directory),
                  let setup = count(valgrind, binary, arguments + ["--setup-only"], directory: directory) else {
                Bench.report("instructions, \(piece.kind)", "callgrind failed", target: "", met: false)
                continue
            }
            let per = Double(full - setup) / Double(piece.count)
            Bench.report("instructions per \(piece.unit), \(piece.kind)", String(format: "%.0f Ir", per),
                         target: "(figure only: callgrind)", met: true)
        }
    }

    /// The total instructions (Ir) of this program run with `arguments` under callgrind.
    static func count(_ valgrind: String, _ binary: String, _ arguments: [String], directory: String) -> Int? {
        let output = directory + "/callgrind.\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = ["--tool=callgrind", "--callgrind-out-file=\(output)", binary] + arguments
        // The same hash seed every run: dictionary work (and so the count) does not vary.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_DETERMINISTIC_HASHING"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let text = try? String(contentsOfFile: output, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("summary:") || line.hasPrefix("totals:") {
            if let value = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) { return value }
        }
        return nil
    }
}
