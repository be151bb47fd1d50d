import GantryCore

/// One sparkline per metric with its current value and thresholds. The thresholds frozen in the
/// deploy's policy show from the start (bars coloured by band, scaled to include the critical
/// level); once a threshold is crossed, the band and the threshold crossed replace them.
public enum MetricsPanel {
    /// What the panel shows: the selected deploy's samples while it runs (or when it is all
    /// there is), else the environment's live samples between deploys; with the title saying which.
    public static func series(_ model: ConsoleModel) -> (title: String, rows: [(String, MetricSeries)]) {
        let deploy = model.selectedDeploy
        let fromDeploy = deploy.map { deploy in deploy.metricOrder.compactMap { name in deploy.metrics[name].map { (name, $0) } } } ?? []
        let sampled = fromDeploy.contains { $0.1.latest != nil }
        if let deploy, !deploy.status.isFinished && sampled || model.ui.travel != nil, !fromDeploy.isEmpty {
            return ("\(Panel.metrics.title) \(model.glyphs.separator) deploy \(deploy.version)", fromDeploy)
        }
        if let environment = model.selectedEnvironment, model.ui.travel == nil {
            let plans = model.metricPlans
            let live = plans.map { ($0.name, model.live.series(environment, plan: $0)) }
            if live.contains(where: { $0.1.latest != nil }) || fromDeploy.isEmpty {
                return ("\(Panel.metrics.title) \(model.glyphs.separator) live \(environment)", live)
            }
        }
        guard let deploy else { return (Panel.metrics.title, []) }
        return ("\(Panel.metrics.title) \(model.glyphs.separator) deploy \(deploy.version)", fromDeploy)
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let (title, rows) = series(model)
        let inner = Box.draw(&buffer, rect, title: title, focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        guard !rows.isEmpty else {
            buffer.put("no metrics in the pipeline", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        // Taller charts (with threshold lines) when there is room: up to 3 rows per metric.
        let height = max(1, min(3, inner.height / rows.count))
        let nameWidth = min(max(rows.map { CharacterWidth.of($0.0) }.max() ?? 0, 4), 16)
        for (row, (name, series)) in rows.prefix(max(1, inner.height / height)).enumerated() {
            let y = inner.y + row * height
            var x = inner.x + 1
            x += buffer.put(TextFormat.pad(name, nameWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y + height - 1,
                            style: theme[.text])
            let spark = Self.sparkline(series)
            let role = Self.band(series, spark).role
            let latest = series.latest.map(series.unit.format) ?? "no samples yet"
            // Room left for the bars once the value and its note are drawn: the note shortens
            // (or goes) before the bars drop below 14 columns, and never takes the last 8.
            let room = inner.maxX - x - 1
            let notes = Self.notes(series)
            func bars(_ note: String) -> Int { room - CharacterWidth.of(latest) - CharacterWidth.of(note) - 1 }
            // Without samples yet there are no bars to keep room for.
            let keep = spark.values.isEmpty ? [0] : [14, 8]
            let note = keep.lazy.compactMap { least in notes.first { !$0.isEmpty && bars($0) >= least } }.first
                ?? notes.last ?? ""
            if !spark.values.isEmpty, bars(note) >= 4 {
                let drawn = height > 1
                    ? spark.drawChart(&buffer, x: x, y: y, width: bars(note), height: height, theme: theme, glyphs: glyphs)
                    : spark.draw(&buffer, x: x, y: y, width: bars(note), theme: theme, glyphs: glyphs)
                if drawn > 0 { x += drawn + 1 }
            }
            x += buffer.put(latest, x: x, y: y + height - 1, style: theme[series.latest == nil ? .muted : role],
                            maxWidth: inner.maxX - x)
            if !note.isEmpty, inner.maxX - x > 1 {
                buffer.put(note, x: x, y: y + height - 1, style: theme[series.level == .ok ? .muted : role], maxWidth: inner.maxX - x)
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
            let value = series.unit.format(series.crossedThreshold)
            return ["  critical \(side) \(value)", " CRIT\(side)\(value)"]
        case .warn:
            let value = series.unit.format(series.crossedThreshold)
            return ["  warn \(side) \(value)", " WARN\(side)\(value)"]
        case .ok:
            let warn = series.warn.map(series.unit.format), critical = series.critical.map(series.unit.format)
            switch (warn, critical) {
            case let (warn?, critical?): return ["  warn \(warn), crit \(critical)", "  w\(warn) c\(critical)", ""]
            case let (warn?, nil): return ["  warn \(warn)", "  w\(warn)", ""]
            case let (nil, critical?): return ["  crit \(critical)", "  c\(critical)", ""]
            case (nil, nil): return [""]
            }
        }
    }
}
