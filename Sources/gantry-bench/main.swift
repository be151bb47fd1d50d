import Foundation
import GantryCore
import GantryStore

// gantry-bench: prints the speed figures of design/targets.md. Build it in release mode:
//   swift build -c release && .build/release/gantry-bench
//   [--events N] [--replay N] [--deploy-rounds N] [--deploy-replicas N] [--output-mb N] [--no-deploy]
let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
          let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

/// The groups `--only` picks from, in the order they run.
let groups = ["fold", "compose", "store", "instructions", "output", "deploy", "oncall", "scale", "console"]
let usage = """
usage: gantry-bench [--only GROUP[,GROUP...]] [options]

Prints the speed figures of design/targets.md. Build in release mode first:
  swift build -c release && .build/release/gantry-bench

groups (all by default): \(groups.joined(separator: ", "))
  fold      reducer throughput                 [--events N]            (5000000)
  compose   console frame composition p99 at 80x24, 120x40, 200x60
  store     batched and durable append, cold replay, replay from a snapshot
                                               [--append N] [--replay N] (200000, 1000000)
  instructions  instructions per event / frame for fold, compose, replay under valgrind
            --tool=callgrind (stable under load)  [--valgrind PATH]
  output    executor memory under a flood of output      [--output-mb N] (1000)
  deploy    deploy wall time vs a shell script, pod-ready -> store latency, on gantry sim
                                               [--deploy-rounds N] [--deploy-replicas N] (15, 10)
  oncall    detection (first bad response -> rollback) and restore (R in the console -> first
            kubectl; -> traffic back) per strategy, on gantry sim   [--oncall-rounds N] (20)
            (GANTRY_BENCH_STRATEGY=rolling|blue-green|canary: that one only)
  scale     1k pods in 50 Deployments in 3 clusters, 10k past deploys: the console's first frame,
            environment switch, history, RSS                      [--scale-deploys N] (10000)
  console   the real gantry binary on a pseudo-terminal   [--gantry PATH] [--key-samples N]
                                               [--lines-per-second N] [--idle-seconds S]
Every figure is printed beside a baseline measured in the same run where one exists, and the run
ends with a summary table (docs/PERFORMANCE.md keeps it) with the date, cores and load.
--no-deploy and --no-console skip those groups (as before).
"""
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}
// Under valgrind (the `instructions` group spawns these): one measured piece of work, nothing else.
if let index = arguments.firstIndex(of: "--count-instructions"), index + 2 < arguments.count {
    Instructions.work(arguments[index + 1], count: Int(arguments[index + 2]) ?? 0, setupOnly: arguments.contains("--setup-only"),
                      path: arguments.firstIndex(of: "--path").map { arguments[$0 + 1] })
    exit(0)
}
let only: Set<String>? = {
    guard let index = arguments.firstIndex(of: "--only") else { return nil }
    guard index + 1 < arguments.count else {
        FileHandle.standardError.write(Data("error: --only needs a group (\(groups.joined(separator: ", ")))\n".utf8))
        exit(2)
    }
    let picked = Set(arguments[index + 1].split(separator: ",").map(String.init))
    if let unknown = picked.first(where: { !groups.contains($0) }) {
        FileHandle.standardError.write(Data("error: no group '\(unknown)'; groups: \(groups.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return picked
}()
/// Whether `group` runs (`--only`, `--no-deploy`, `--no-console`).
@MainActor func runs(_ group: String) -> Bool {
    if group == "deploy" || group == "output", arguments.contains("--no-deploy") { return false }
    if group == "console", arguments.contains("--no-console") { return false }
    return only?.contains(group) ?? true
}
let foldCount = option("--events", 5_000_000)

print("gantry-bench (\(ProcessInfo.processInfo.activeProcessorCount) cores)")

// MARK: - Fold
if runs("fold") {
let events = Workload.numbered(count: foldCount)
var folded = GantryState()
let foldSeconds = Bench.best(3) {
    var state = GantryState()
    for index in events.indices { Reducer.reduce(into: &state, events[index]) }
    folded = state
}
precondition(folded.eventCount == foldCount)
var plainCount = 0
let plainSeconds = Bench.best(3) { plainCount = Baselines.plainFold(events) }
precondition(plainCount == foldCount)
let foldRate = Double(foldCount) / foldSeconds
Bench.report("fold throughput (\(foldCount) events)", Bench.rate(foldCount, foldSeconds),
             target: ">= 5M events/s", met: foldRate >= 5e6)
let foldRatio = plainSeconds / foldSeconds
Bench.compare("fold vs a plain Swift fold", Bench.rate(foldCount, foldSeconds), baseline: Bench.rate(foldCount, plainSeconds),
              ratio: foldRatio, ratioText: String(format: "%.0f%% of plain", foldRatio * 100), target: ">= 40% of plain",
              met: foldRatio >= 0.4)
}

// MARK: - Console
if runs("compose") { ComposeBench.run() }

// MARK: - Store
let appendCount = option("--append", 200_000)
let replayCount = option("--replay", 1_000_000)
let directory = NSTemporaryDirectory() + "gantry-bench-\(getpid())"
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

if runs("store") { do {
    // Batched: progress and log events, 1000 per append.
    let store = try SQLiteEventStore(path: directory + "/append.sqlite")
    let batch = Workload.pending(count: appendCount + Workload.deployCount).dropFirst(Workload.deployCount)
    let batches = stride(from: batch.startIndex, to: batch.endIndex, by: 1000).map {
        Array(batch[$0..<min($0 + 1000, batch.endIndex)])
    }
    let batchedSeconds = Bench.best(1) { for chunk in batches { _ = try? store.append(chunk, expected: .any) } }
    Bench.report("append, batched 1000/append (\(appendCount))", Bench.rate(appendCount, batchedSeconds),
                 target: ">= 100k events/s", met: Double(appendCount) / batchedSeconds >= 100_000)
    // The same rows inserted by SQLite alone, 1000 per transaction.
    var numberedBatch: [Event] = []
    var versions: [DeployID: Int64] = [:]
    for (index, event) in batch.enumerated() {
        let version = (versions[event.deploy] ?? 0) + 1
        versions[event.deploy] = version
        numberedBatch.append(event.numbered(seq: Int64(index + 1), streamVersion: version))
    }
    let rawRows = Baselines.rows(numberedBatch)
    let rawSeconds = try Bench.best(1) {
        try? FileManager.default.removeItem(atPath: directory + "/raw.sqlite")
        try Baselines.rawInsert(directory + "/raw.sqlite", rows: rawRows, batch: 1000)
    }
    let appendRatio = rawSeconds / batchedSeconds
    Bench.compare("append vs SQLite inserting the same rows", Bench.rate(appendCount, batchedSeconds),
                  baseline: Bench.rate(appendCount, rawSeconds), ratio: appendRatio,
                  ratioText: String(format: "%.0f%% of raw", appendRatio * 100), target: "(figure only)", met: true)

    // Durable: one decision per append, fsynced before it returns.
    let decisions = 2_000
    let tick = PendingEvent(time: Date(), actor: "alice", deploy: DeployID("durable"),
                            payload: .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: "snap"))
    let durableSeconds = Bench.best(1) { for _ in 0..<decisions { _ = try? store.append([tick], expected: .any) } }
    Bench.report("append, durable 1/append (\(decisions))", Bench.rate(decisions, durableSeconds),
                 target: "fsynced (figure only)", met: true)
    store.close()

    // Cold replay: write a log, close it, open it anew and fold everything.
    let replayPath = directory + "/replay.sqlite"
    let writer = try SQLiteEventStore(path: replayPath)
    let all = Workload.pending(count: replayCount)
    for start in stride(from: 0, to: all.count, by: 5000) {
        _ = try writer.append(Array(all[start..<min(start + 5000, all.count)]), expected: .any)
    }
    writer.close()
    var replayed = GantryState()
    let replaySeconds = try Bench.best(1) {
        let reader = try SQLiteEventStore(path: replayPath, readOnly: true)
        var state = GantryState()
        try reader.forEach(after: 0) { Reducer.reduce(into: &state, $0) }
        replayed = state
        reader.close()
    }
    precondition(replayed.eventCount == replayCount, "replayed \(replayed.eventCount) of \(replayCount)")
    Bench.report("cold replay of \(replayCount) events (SQLite)", String(format: "%.2f s", replaySeconds),
                 target: "<= 2 s", met: replaySeconds <= 2)
    var scanned = 0
    let scanSeconds = try Bench.best(1) { scanned = try Baselines.rawScan(replayPath) }
    precondition(scanned == replayCount)
    let replayRatio = replaySeconds / scanSeconds
    Bench.compare("cold replay vs a raw scan of the rows", String(format: "%.2f s", replaySeconds),
                  baseline: String(format: "%.2f s", scanSeconds), ratio: replayRatio,
                  ratioText: String(format: "%.1fx the scan", replayRatio), target: "<= 3x the scan", met: replayRatio <= 3)

    // From a snapshot: the state of the whole log is saved, then as many events as may pass
    // before a refresh (StateSnapshot.refreshAfter - 1) are appended; a new reader loads both.
    let snapshotWriter = try SQLiteEventStore(path: replayPath)
    try StateSnapshot.save(replayed, for: snapshotWriter)
    let later = StateSnapshot.refreshAfter - 1
    let extra = Workload.pending(count: replayCount + later).suffix(later)
    for start in stride(from: extra.startIndex, to: extra.endIndex, by: 5000) {
        _ = try snapshotWriter.append(Array(extra[start..<min(start + 5000, extra.endIndex)]), expected: .any)
    }
    snapshotWriter.close()
    var fromSnapshot: StateSnapshot.Loaded?
    let snapshotSeconds = try Bench.best(1) {
        let reader = try SQLiteEventStore(path: replayPath, readOnly: true)
        fromSnapshot = try StateSnapshot.load(reader)
        reader.close()
    }
    precondition(fromSnapshot?.snapshotSeq == Int64(replayCount) && fromSnapshot?.folded == later
                 && fromSnapshot?.state.eventCount == replayCount + later, "the snapshot was not used")
    let snapshotBytes = (try? FileManager.default.attributesOfItem(atPath: StateSnapshot.path(forStore: replayPath))[.size] as? Int) ?? 0
    Bench.report("replay from a snapshot + \(later) events", String(format: "%.3f s (%.1f MB)", snapshotSeconds,
                                                                   Double(snapshotBytes) / 1e6),
                 target: "<= 0.2 s", met: snapshotSeconds <= 0.2)
} catch {
    print("store benchmark failed: \(error)")
    exit(1)
} }

if runs("instructions") { Instructions.run(directory: directory) }

// MARK: - Executor
if runs("output") { OutputBench.run(megabytes: option("--output-mb", 1000)) }
if runs("deploy") {
    // The simulator's fast default timings, then pods that take 3 s to turn ready (closer to a real app).
    await DeployBench.run(rounds: option("--deploy-rounds", 15), replicas: option("--deploy-replicas", 10),
                          readySeconds: 0.5, latency: true)
    await DeployBench.run(rounds: max(1, option("--deploy-rounds", 15) / 2), replicas: option("--deploy-replicas", 10),
                          readySeconds: 3, latency: false)
}

// MARK: - Live console: the real gantry binary (built beside this one) on a pseudo-terminal.
// [--no-console] [--gantry PATH] [--key-samples N] [--lines-per-second N]
// [--idle-seconds S] (or GANTRY_BENCH_IDLE_SECONDS; default 60)
if runs("oncall") { await OnCallBench.run(rounds: option("--oncall-rounds", 20)) }
if runs("scale") { ScaleBench.run(deploys: option("--scale-deploys", 10_000)) }
if runs("console") {
    ConsoleBench.runFromCommandLine(arguments, directory: NSTemporaryDirectory() + "gantry-bench-console-\(getpid())")
}
Summary.print()
