/// What one terminal cell shows: a grapheme of at most `capacity` Unicode scalars (what an
/// ncurses `cchar_t` holds), packed into 128 bits.
///
/// A cell holding a `String` cost a retain and a release every time a frame wrote it; a glyph is
/// plain bits, so filling, copying and comparing a 200x60 buffer is moving and comparing words.
/// The empty glyph (no scalars) is the right half of a wide character.
public struct Glyph: Hashable, Sendable {
    /// Scalars 0, 1 and 2, 21 bits each.
    private var low: UInt64
    /// Scalars 3 and 4, 21 bits each, then the count from bit 42.
    private var high: UInt64

    /// The most scalars a glyph keeps; later ones (of very long emoji sequences) are dropped.
    public static let capacity = 5
    private static let countShift: UInt64 = 42
    private static let scalarMask: UInt64 = 0x1F_FFFF

    /// One space.
    public static let space = Glyph(ascii: 0x20)
    /// The right half of a wide character.
    public static let continuation = Glyph(low: 0, high: 0)

    private init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// A printable ASCII character.
    @inline(__always)
    public init(ascii byte: UInt8) {
        low = UInt64(byte)
        high = 1 << Self.countShift
    }

    /// One scalar.
    @inline(__always)
    public init(_ scalar: Unicode.Scalar) {
        low = UInt64(scalar.value)
        high = 1 << Self.countShift
    }

    /// The scalars of `text` (the first `capacity` of them).
    public init<Text: StringProtocol>(_ text: Text) {
        self = .continuation
        for scalar in text.unicodeScalars {
            guard count < Self.capacity else { break }
            append(scalar)
        }
    }

    /// The scalars of `character` (the first `capacity` of them).
    public init(_ character: Character) {
        self = .continuation
        for scalar in character.unicodeScalars {
            guard count < Self.capacity else { break }
            append(scalar)
        }
    }

    /// How many scalars the glyph holds.
    public var count: Int { Int(high >> Self.countShift) }

    /// Whether it holds none: the right half of a wide character.
    public var isEmpty: Bool { high >> Self.countShift == 0 }

    /// The scalar at `position` (below `count`).
    public func scalar(at position: Int) -> Unicode.Scalar {
        let bits = position < 3 ? low >> (21 * UInt64(position)) : high >> (21 * UInt64(position - 3))
        return Unicode.Scalar(UInt32(truncatingIfNeeded: bits & Self.scalarMask)) ?? "?"
    }

    /// The scalars, in order.
    public var scalars: [Unicode.Scalar] { (0..<count).map(scalar(at:)) }

    /// The glyph as text.
    public var string: String {
        var text = String.UnicodeScalarView()
        for position in 0..<count { text.append(scalar(at: position)) }
        return String(text)
    }

    /// Adds `scalar` at the end (a combining mark joining the character), when there is room.
    public mutating func append(_ scalar: Unicode.Scalar) {
        let position = count
        guard position < Self.capacity else { return }
        let value = UInt64(scalar.value) & Self.scalarMask
        if position < 3 {
            low |= value << (21 * UInt64(position))
        } else {
            high |= value << (21 * UInt64(position - 3))
        }
        high = (high & ~(UInt64(0x7) << Self.countShift)) | (UInt64(position + 1) << Self.countShift)
    }
}
