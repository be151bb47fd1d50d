import GantryCore

/// One sparkline per metric with its current value and thresholds. The thresholds frozen in the
/// deploy's policy show from the start (bars coloured by band, scaled to include the critical
/// level); once a threshold is crossed, the band and the threshold crossed replace them.
public enum MetricsPanel {
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, rect, title: Panel.metrics.title, focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        guard let deploy = model.selectedDeploy, !deploy.metricOrder.isEmpty else {
            buffer.put("no samples yet", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        let nameWidth = min(max(deploy.metricOrder.map { CharacterWidth.of($0) }.max() ?? 0, 4), 16)
        for (row, name) in deploy.metricOrder.prefix(inner.height).enumerated() {
            guard let series = deploy.metrics[name] else { continue }
            let y = inner.y + row
            var x = inner.x + 1
            x += buffer.put(TextFormat.pad(name, nameWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: theme[.text])
            let spark = Self.sparkline(series)
            let role = Self.band(series, spark).role
            let latest = series.latest.map { TextFormat.value($0) } ?? "-"
            // Room left for the bars once the value and its note are drawn: the note shortens
            // (or goes) before the bars drop below 14 columns, and never takes the last 8.
            let room = inner.maxX - x - 1
            let notes = Self.notes(series)
            func bars(_ note: String) -> Int { room - CharacterWidth.of(latest) - CharacterWidth.of(note) - 1 }
            // Without samples yet there are no bars to keep room for.
            let keep = spark.values.isEmpty ? [0] : [14, 8]
            let note = keep.lazy.compactMap { least in notes.first { !$0.isEmpty && bars($0) >= least } }.first
                ?? notes.last ?? ""
            if bars(note) >= 4 {
                let drawn = spark.draw(&buffer, x: x, y: y, width: bars(note), theme: theme, glyphs: glyphs)
                if drawn > 0 { x += drawn + 1 }
            }
            x += buffer.put(latest, x: x, y: y, style: theme[role], maxWidth: inner.maxX - x)
            if !note.isEmpty, inner.maxX - x > 1 {
                buffer.put(note, x: x, y: y, style: theme[series.level == .ok ? .muted : role], maxWidth: inner.maxX - x)
            }
        }
    }

    /// The worse of the band the executor reported and the band of the latest value.
    static func band(_ series: MetricSeries, _ spark: Sparkline) -> ThresholdBand {
        let reported: ThresholdBand = series.level == .critical ? .critical : series.level == .warn ? .warn : .ok
        guard let latest = series.latest else { return reported }
        let current = spark.level(of: latest)
        if reported == .critical || current == .critical { return .critical }
        if reported == .warn || current == .warn { return .warn }
        return .ok
    }

    /// The sparkline of a series: the policy's thresholds when known, else the one crossed.
    static func sparkline(_ series: MetricSeries) -> Sparkline {
        var warn = series.warn, critical = series.critical
        if warn == nil, critical == nil {
            if series.level == .critical { critical = series.crossedThreshold }
            if series.level == .warn { warn = series.crossedThreshold }
        }
        return Sparkline(values: series.samples.map(\.value), warn: warn, critical: critical,
                         higherIsWorse: !series.lowerIsWorse)
    }

    /// What follows the value (with its leading spaces), longest first: the threshold crossed,
    /// or the thresholds to watch.
    static func notes(_ series: MetricSeries) -> [String] {
        let side = series.lowerIsWorse ? "<" : ">"
        switch series.level {
        case .critical:
            let value = TextFormat.value(series.crossedThreshold)
            return ["  critical \(side) \(value)", " CRIT\(side)\(value)"]
        case .warn:
            let value = TextFormat.value(series.crossedThreshold)
            return ["  warn \(side) \(value)", " WARN\(side)\(value)"]
        case .ok:
            let warn = series.warn.map(TextFormat.value), critical = series.critical.map(TextFormat.value)
            switch (warn, critical) {
            case let (warn?, critical?): return ["  warn \(warn), crit \(critical)", "  w\(warn) c\(critical)", ""]
            case let (warn?, nil): return ["  warn \(warn)", "  w\(warn)", ""]
            case let (nil, critical?): return ["  crit \(critical)", "  c\(critical)", ""]
            case (nil, nil): return [""]
            }
        }
    }
}
