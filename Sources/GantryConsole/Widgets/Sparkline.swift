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
