import Foundation

/// Quoting of user text inside messages: control characters are escaped and long text clipped,
/// so a hostile value can neither drive the terminal nor flood it.
enum Quote {
    static let limit = 60

    /// `text` made safe to print, clipped to `limit` characters.
    static func clip(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { return out + "…" }
            out += escape(scalar)
            count += 1
        }
        return out
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{" + String(scalar.value, radix: 16) + "}"
        default: return String(scalar)
        }
    }

    /// A description of a single character for messages: `a space`, `'$'`, `a tab`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        default: return "'\(escape(scalar))'"
        }
    }
}
