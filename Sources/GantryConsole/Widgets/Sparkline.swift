/// A sparkline: one bar per value (the newest on the right), scaled to the window's range,
/// each bar styled by its threshold band.
public struct Sparkline: Sendable {
    public var values: [Double]
    public var warn: Double?
    public var critical: Double?
    /// Whether higher is worse (error rate, latency). When false, values *below* a threshold are bad.
    public var higherIsWorse = true

    public init(values: [Double], warn: Double? = nil, critical: Double? = nil, higherIsWorse: Bool = true) {
        self.values = values
        self.warn = warn
        self.critical = critical
        self.higherIsWorse = higherIsWorse
    }

    /// The band of one value.
    public func level(of value: Double) -> ThresholdBand {
        func beyond(_ threshold: Double?) -> Bool {
            guard let threshold else { return false }
            return higherIsWorse ? value >= threshold : value <= threshold
        }
        if beyond(critical) { return .critical }
        if beyond(warn) { return .warn }
        return .ok
    }

    /// The bars for the last `width` values, as glyphs with their bands.
    public func bars(width: Int, glyphs: Glyphs) -> [(glyph: String, band: ThresholdBand)] {
        guard width > 0, !values.isEmpty else { return [] }
        let shown = values.suffix(width)
        let low = min(shown.min() ?? 0, 0)
        var high = shown.max() ?? 0
        if let critical, higherIsWorse { high = max(high, critical) }
        let span = high - low
        let levels = glyphs.bars.count
        return shown.map { value in
            let index = span > 0 ? Int(((value - low) / span * Double(levels - 1)).rounded()) : 0
            return (glyphs.bars[min(levels - 1, max(0, index))], level(of: value))
        }
    }

    /// Draws the bars at (`x`, `y`), at most `width` columns. Returns the columns used.
    @discardableResult
    public func draw(_ buffer: inout CellBuffer, x: Int, y: Int, width: Int, theme: Theme, glyphs: Glyphs) -> Int {
        let bars = bars(width: width, glyphs: glyphs)
        for (offset, bar) in bars.enumerated() {
            buffer.put(bar.glyph, x: x + offset, y: y, style: theme[bar.band.role])
        }
        return bars.count
    }
}

extension Sparkline {
    /// Draws the last `width` values as a chart `height` rows tall at (`x`, `y`), with the
    /// warn and critical thresholds as dotted lines where no bar covers them. Returns the
    /// columns used.
    @discardableResult
    public func drawChart(_ buffer: inout CellBuffer, x: Int, y: Int, width: Int, height: Int, theme: Theme,
                          glyphs: Glyphs) -> Int {
        guard width > 0, height > 0, !values.isEmpty else { return 0 }
        let shown = Array(values.suffix(width))
        let low = min(shown.min() ?? 0, 0)
        var high = shown.max() ?? 0
        if let critical, higherIsWorse { high = max(high, critical) }
        if let warn, !higherIsWorse { high = max(high, warn) }
        let span = high - low
        let eighths = height * 8
        func level(_ value: Double) -> Int {
            span > 0 ? min(eighths, max(0, Int(((value - low) / span * Double(eighths)).rounded()))) : 0
        }
        // The rows the thresholds fall in (0 = bottom row), and how they look.
        var lines: [(row: Int, style: CellStyle)] = []
        for (threshold, role) in [(warn, ThemeRole.warn), (critical, ThemeRole.critical)] {
            guard let threshold, span > 0 else { continue }
            let row = min(height - 1, max(0, (level(threshold) - 1) / 8))
            lines.append((row, theme[role].adding(.dim)))
        }
        let dotted = glyphs.isASCII ? "-" : "┄"
        for (offset, value) in shown.enumerated() {
            let filled = max(1, level(value))
            let style = theme[self.level(of: value).role]
            for row in 0..<height {
                let cell = filled - row * 8
                let glyph: String
                if cell >= 8 {
                    glyph = glyphs.bars[glyphs.bars.count - 1]
                } else if cell > 0 {
                    glyph = glyphs.bars[min(glyphs.bars.count - 1, cell - 1)]
                } else if let line = lines.last(where: { $0.row == row }) {
                    buffer.put(dotted, x: x + offset, y: y + height - 1 - row, style: line.style)
                    continue
                } else {
                    continue
                }
                buffer.put(glyph, x: x + offset, y: y + height - 1 - row, style: style)
            }
        }
        // The threshold lines go on past the newest bar, so they read as lines.
        for line in lines {
            for column in shown.count..<width {
                buffer.put(dotted, x: x + column, y: y + height - 1 - line.row, style: line.style)
            }
        }
        return width
    }
}

/// A value's threshold band, as the sparkline and metric rows colour it.
public enum ThresholdBand: Equatable, Sendable {
    case ok, warn, critical

    public var role: ThemeRole {
        switch self {
        case .ok: .ok
        case .warn: .warn
        case .critical: .critical
        }
    }
}
