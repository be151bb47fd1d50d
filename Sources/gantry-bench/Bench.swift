import Foundation

/// Timing helpers for the benchmark program.
enum Bench {
    /// Seconds taken by `body`, best of `repeats` runs.
    static func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let perSecond = Double(count) / seconds
        if perSecond >= 1e6 { return String(format: "%.2fM events/s", perSecond / 1e6) }
        return String(format: "%.1fk events/s", perSecond / 1e3)
    }

    /// Prints one result line: name, figure, target and whether it is met (and keeps it for the summary).
    static func report(_ name: String, _ figure: String, target: String, met: Bool) {
        let padded = name.padding(toLength: 48, withPad: " ", startingAt: 0)
        let value = figure.padding(toLength: 22, withPad: " ", startingAt: 0)
        print("\(padded) \(value) target \(target)  \(met ? "ok" : "MISSED")")
        let figureOnly = target.contains("figure only")
        Summary.add(name, figure, target: figureOnly ? "" : target, met: figureOnly ? nil : met)
    }

    /// Prints and keeps a figure beside its same-run baseline: `ratio` is measured ÷ baseline in
    /// the direction the target reads (e.g. fold rate ÷ plain rate, replay time ÷ scan time).
    static func compare(_ name: String, _ figure: String, baseline: String, ratio: Double, ratioText: String,
                        target: String, met: Bool) {
        let padded = name.padding(toLength: 48, withPad: " ", startingAt: 0)
        print("\(padded) \(figure) vs \(baseline): \(ratioText)  target \(target)  \(met ? "ok" : "MISSED")")
        Summary.add(name, figure, baseline: baseline, ratio: ratioText, target: target, met: met)
    }
}
