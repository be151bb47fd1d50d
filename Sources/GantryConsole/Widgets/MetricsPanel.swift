import GantryCore

/// One sparkline per metric with its current value and threshold band.
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
            let latest = series.latest.map { TextFormat.value($0) } ?? "-"
            var band = ""
            switch series.level {
            case .ok: band = ""
            case .warn: band = "warn > " + TextFormat.value(series.crossedThreshold)
            case .critical: band = "critical > " + TextFormat.value(series.crossedThreshold)
            }
            let role = series.level == .critical ? ThemeRole.critical : series.level == .warn ? .warn : .ok
            var tail = latest + (band.isEmpty ? "" : "  " + band)
            if inner.width - nameWidth - CharacterWidth.of(tail) < 14, !band.isEmpty {
                tail = latest + " " + (series.level == .critical ? "CRIT" : "WARN") + ">" + TextFormat.value(series.crossedThreshold)
            }
            let tailWidth = CharacterWidth.of(tail)
            let sparkWidth = inner.maxX - x - tailWidth - 2
            var threshold: (warn: Double?, critical: Double?) = (nil, nil)
            if series.level == .critical { threshold.critical = series.crossedThreshold }
            if series.level == .warn { threshold.warn = series.crossedThreshold }
            let spark = Sparkline(values: series.samples.map(\.value), warn: threshold.warn, critical: threshold.critical)
            if sparkWidth >= 4 {
                x += spark.draw(&buffer, x: x, y: y, width: sparkWidth, theme: theme, glyphs: glyphs) + 1
                buffer.put(tail, x: x, y: y, style: theme[role])
            } else {
                buffer.put(tail, x: x, y: y, style: theme[role], maxWidth: inner.maxX - x)
            }
        }
    }
}
