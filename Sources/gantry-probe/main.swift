// gantry-probe: a small helper process for the store's two-process and crash tests.
//
//   gantry-probe append --store PATH [--count N] [--batch K] [--decisions] [--exact]
//                       [--deploy ID] [--actor NAME] [--interval-ms MS] [--start-at UNIXTIME]
//       Appends N events (N = 0: until killed), K per append, pausing MS between appends,
//       starting at UNIXTIME (seconds) so that several probes start together. Prints `ack SEQ VERSION` for each
//       event once its append has returned, flushed at once. `--decisions` appends checklist
//       ticks (durable), otherwise log lines (batched). `--exact` appends with `.exact(version)`
//       and retries on conflict. Ends with `done conflicts=C`.
//   gantry-probe tail --store PATH [--after N] --count M [--timeout S]
//       Subscribes and prints `seen SEQ LATENCY_MS` for each event (latency: now minus the
//       event's time), exits after M events; exit status 2 on timeout.
//   gantry-probe bench --store PATH [--events N] [--replay-only]
//       Quick speed check: batched and durable append, cold replay into full state.
import Foundation
import GantryCore
import GantryStore

// MARK: - Arguments

func emit(_ text: String, error: Bool = false) {
    (error ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
}

func fail(_ message: String) -> Never {
    emit("error: \(message)\n", error: true)
    exit(1)
}

/// The parsed command line.
struct Options: Sendable {
    var command = ""
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ line: [String]) {
        var arguments = line
        guard !arguments.isEmpty else { fail("usage: gantry-probe append|tail --store PATH ...") }
        command = arguments.removeFirst()
        while !arguments.isEmpty {
            let name = arguments.removeFirst()
            guard name.hasPrefix("--") else { fail("unexpected argument \(name)") }
            if ["--decisions", "--exact", "--replay-only"].contains(name) {
                flags.insert(name)
            } else {
                guard !arguments.isEmpty else { fail("\(name) needs a value") }
                values[name] = arguments.removeFirst()
            }
        }
    }

    func number(_ name: String, default value: Int) -> Int {
        guard let text = values[name] else { return value }
        guard let number = Int(text) else { fail("\(name) must be a number, not \(text)") }
        return number
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
guard let storePath = options.values["--store"] else { fail("--store PATH is required") }

// MARK: - Commands

func append(to store: SQLiteEventStore, _ options: Options) throws(StoreError) {
    let count = options.number("--count", default: 100)
    let batch = max(1, options.number("--batch", default: 1))
    let deploy = DeployID(options.values["--deploy"] ?? "probe-\(getpid())")
    let actor = options.values["--actor"] ?? "probe"
    let decisions = options.flags.contains("--decisions")
    let pause = TimeInterval(options.number("--interval-ms", default: 0)) / 1000
    if let start = options.values["--start-at"].flatMap(Double.init) {
        Thread.sleep(until: Date(timeIntervalSince1970: start))
    }
    var written = 0
    var conflicts = 0
    while count == 0 || written < count {
        let size = count == 0 ? batch : min(batch, count - written)
        let events = (0..<size).map { offset in
            let n = written + offset
            let payload: EventPayload = decisions
                ? .checklistItemTicked(checklist: "pre-deploy", item: "item-\(n)", note: "by \(actor)")
                : .stageLogged(stage: "build", stream: .stdout, line: "\(actor) line \(n)")
            return PendingEvent(time: Date(), actor: actor, deploy: deploy, payload: payload)
        }
        let appended: [Event]
        if options.flags.contains("--exact") {
            do {
                appended = try store.append(events, expected: .exact(store.streamVersion(deploy)))
            } catch .conflict {
                conflicts += 1
                continue
            }
        } else {
            appended = try store.append(events, expected: .any)
        }
        emit(appended.map { "ack \($0.seq) \($0.streamVersion)\n" }.joined())
        written += size
        if pause > 0 { Thread.sleep(forTimeInterval: pause) }
    }
    emit("done conflicts=\(conflicts)\n")
}

func tail(_ store: SQLiteEventStore, _ options: Options) async throws {
    let after = Int64(options.number("--after", default: 0))
    let wanted = options.number("--count", default: 1)
    let timeout = options.number("--timeout", default: 30)
    let watchdog = Thread {
        Thread.sleep(forTimeInterval: TimeInterval(timeout))
        emit("error: timed out\n", error: true)
        exit(2)
    }
    watchdog.start()
    emit("subscribed\n")
    var seen = 0
    for try await event in store.subscribe(after: after) {
        let latency = Date().timeIntervalSince(event.time) * 1000
        emit("seen \(event.seq) \(String(format: "%.2f", latency))\n")
        seen += 1
        if seen >= wanted { break }
    }
}

do {
    switch options.command {
    case "append": try append(to: SQLiteEventStore(path: storePath), options)
    case "tail": try await tail(SQLiteEventStore(path: storePath), options)
    case "bench": try bench(options, path: storePath)
    default: fail("unknown command \(options.command)")
    }
} catch {
    fail("\(error)")
}
