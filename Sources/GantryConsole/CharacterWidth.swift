/// Terminal column widths of characters (a small wcwidth: no locale, no libc).
public enum CharacterWidth {
    /// Columns a grapheme takes: 0 (combining only), 1, or 2 (East Asian wide, emoji).
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1,
           character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return of(first)
    }

    /// Columns a scalar takes.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        if isZeroWidth(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Columns a string takes.
    public static func of(_ text: String) -> Int {
        // Fast path: scalars that are each their own one-column grapheme (what Gantry draws
        // nearly everywhere) need no grapheme breaking.
        if let count = simpleCount(text) { return count }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The number of scalars of `text` when each is a one-column grapheme of its own, else nil.
    @inline(__always)
    static func simpleCount(_ text: String) -> Int? {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        var count = 0
        for scalar in text.unicodeScalars {
            guard isSimpleNarrow(scalar.value) else { return nil }
            count += 1
        }
        return count
    }

    /// Whether `v` is printable, one column wide, and never joins a neighbour into one grapheme:
    /// ASCII, Latin-1 and Latin Extended (before the combining marks), general punctuation,
    /// arrows and technical symbols, box drawing, blocks, geometric shapes, dingbats — except
    /// the wide ones among them. Controls, bidi marks, joiners and selectors are not.
    @inline(__always)
    public static func isSimpleNarrow(_ v: UInt32) -> Bool {
        switch v {
        case 0x20...0x7E, 0xA0...0x2FF, 0x2010...0x2027, 0x2030...0x205E: return true
        case 0x2070...0x209F, 0x20A0...0x20CF, 0x2100...0x218F: return true
        case 0x2190...0x23FF, 0x2460...0x24FF, 0x2500...0x25FF, 0x2600...0x27BF, 0x27C0...0x2BFF: return !isWide(v)
        default: return false
        }
    }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        switch v {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
             0x200B...0x200F, 0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xE0100...0xE01EF:
            true
        default: false
        }
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
             0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
             0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
             0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF,
             0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default: false
        }
    }
}
