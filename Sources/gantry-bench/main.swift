import Foundation
import GantryCore

// gantry-bench: prints the speed figures of design/targets.md. Build it in release mode:
//   swift run -c release gantry-bench [--events N] [--replay N]
let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
          let value = Int(arguments[index + 1]) else { return fallback }
    return value
}
let foldCount = option("--events", 5_000_000)

print("gantry-bench (\(ProcessInfo.processInfo.activeProcessorCount) cores)")

// MARK: - Fold
let events = Workload.numbered(count: foldCount)
var folded = GantryState()
let foldSeconds = Bench.best(3) {
    var state = GantryState()
    for index in events.indices { Reducer.reduce(into: &state, events[index]) }
    folded = state
}
precondition(folded.eventCount == foldCount)
let foldRate = Double(foldCount) / foldSeconds
Bench.report("fold throughput (\(foldCount) events)", Bench.rate(foldCount, foldSeconds),
             target: ">= 5M events/s", met: foldRate >= 5e6)
