/// A terminal colour: the terminal's default, or an index in the 256-colour palette
/// (0-7 the basic colours, 8-15 their bright variants).
public enum TerminalColor: Hashable, Sendable {
    case `default`
    case index(UInt8)

    public static let black = TerminalColor.index(0), red = TerminalColor.index(1), green = TerminalColor.index(2)
    public static let yellow = TerminalColor.index(3), blue = TerminalColor.index(4), magenta = TerminalColor.index(5)
    public static let cyan = TerminalColor.index(6), white = TerminalColor.index(7)

    /// The nearest of the 8 basic colours, for terminals with fewer than 256 colours.
    public var basic: TerminalColor {
        guard case .index(let value) = self else { return self }
        if value < 8 { return self }
        if value < 16 { return .index(value - 8) }
        if value >= 232 { return value < 244 ? .black : .white }
        let cube = Int(value) - 16
        let r = cube / 36, g = (cube / 6) % 6, b = cube % 6
        let bits = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        if bits == 0 { return (r + g + b) >= 4 ? .white : .black }
        return .index(UInt8(bits))
    }
}

/// Text attributes of a cell.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1)
    public static let dim = CellAttributes(rawValue: 2)
    public static let reverse = CellAttributes(rawValue: 4)
    public static let underline = CellAttributes(rawValue: 8)
}

/// How a cell looks: colours and attributes.
public struct CellStyle: Hashable, Sendable {
    public var fg: TerminalColor
    public var bg: TerminalColor
    public var attributes: CellAttributes

    public init(fg: TerminalColor = .default, bg: TerminalColor = .default, attributes: CellAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = CellStyle()

    /// This style with extra attributes.
    public func adding(_ extra: CellAttributes) -> CellStyle {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }
}

/// One screen cell: a grapheme (one or two columns wide) and its style.
///
/// The second column of a wide character is a continuation cell with empty `text`.
///
/// 24 bytes with no padding the compiler could leave undefined (the last three are always zero),
/// so equal cells are equal bytes and the diff compares whole rows with `memcmp`.
public struct Cell: Hashable, Sendable {
    /// What the cell shows.
    public var glyph: Glyph
    public var style: CellStyle
    /// Explicit padding to the stride, always zero.
    private var padding: (UInt8, UInt8, UInt8) = (0, 0, 0)

    public init(_ text: String = " ", style: CellStyle = .plain) {
        glyph = Glyph(text)
        self.style = style
    }

    /// A cell showing `glyph`.
    @inline(__always)
    public init(glyph: Glyph, style: CellStyle = .plain) {
        self.glyph = glyph
        self.style = style
    }

    public static func == (lhs: Cell, rhs: Cell) -> Bool { lhs.glyph == rhs.glyph && lhs.style == rhs.style }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(glyph)
        hasher.combine(style)
    }

    /// What the cell shows, as text ("" for the right half of a wide character).
    public var text: String {
        get { glyph.string }
        set { glyph = Glyph(newValue) }
    }

    /// Whether this cell is the right half of a wide character.
    public var isContinuation: Bool { glyph.isEmpty }

    public static let blank = Cell()
}
