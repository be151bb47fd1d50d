import Foundation
import GantryConsole

/// Full-frame compose at 200x60 (render + diff) of a deploy rolling back, with a log search on,
/// and the bytes a one-cell change costs.
enum ComposeBench {
    static func run() {
        var model = SampleDeploys.model(.rollingBack)
        model.ui.search = "scaled"
        var previous = ConsoleScreen.render(model, theme: .dark, size: TerminalSize(columns: 200, rows: 60))
        var spare = previous
        var samples: [Double] = []
        var fills: [Double] = []
        let rows = previous.lines.map { $0.padding(toLength: 200, withPad: " ", startingAt: 0) }
        var plain = CellBuffer(width: 200, height: 60), plainPrevious = CellBuffer(width: 200, height: 60)
        for frame in 0..<2000 {
            let fillStart = DispatchTime.now().uptimeNanoseconds
            Baselines.plainFill(rows: rows, into: &plain, previous: plainPrevious)
            swap(&plain, &plainPrevious)
            fills.append(Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e6)
            model.now = model.now.addingTimeInterval(1)
            model.ui.focus = Panel.allCases[frame % Panel.allCases.count]
            let start = DispatchTime.now().uptimeNanoseconds
            // As the live loop does: the frame before last is drawn over again.
            ConsoleScreen.render(model, theme: .dark, size: TerminalSize(columns: 200, rows: 60), reusing: &spare)
            _ = spare.diff(from: previous)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            swap(&spare, &previous)
        }
        samples.sort()
        fills.sort()
        let p50 = samples[samples.count / 2], p99 = samples[samples.count * 99 / 100]
        let fill50 = fills[fills.count / 2], fill99 = fills[fills.count * 99 / 100]
        Bench.report("compose 200x60 (render + diff), p50", String(format: "%.3f ms", p50), target: "(figure only)", met: true)
        Bench.report("compose 200x60 (render + diff), p99", String(format: "%.3f ms", p99), target: "<= 1 ms", met: p99 <= 1)
        Bench.compare("compose p50 vs a plain fill + diff", String(format: "%.3f ms", p50), baseline: String(format: "%.3f ms", fill50),
                      ratio: p50 / fill50, ratioText: String(format: "%.1fx the fill", p50 / fill50), target: "(figure only)", met: true)
        Bench.compare("compose p99 vs a plain fill + diff, p99", String(format: "%.3f ms", p99),
                      baseline: String(format: "%.3f ms", fill99), ratio: p99 / fill99,
                      ratioText: String(format: "%.1fx the fill", p99 / fill99), target: "(figure only)", met: true)
    }
}
