/// Makes text from outside (logs, names, notes, cluster data) safe to show on a terminal.
///
/// Control characters (C0, DEL, C1 — escape sequences start with these) and bidirectional
/// overrides are replaced by a visible `�`; tabs become spaces. Nothing else changes.
public enum SafeText {
    /// The replacement shown for an unsafe character.
    public static let replacement: Character = "\u{FFFD}"

    /// `text` with every unsafe character replaced.
    public static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                result.append(contentsOf: "    ".unicodeScalars)
            } else if isUnsafe(scalar) {
                result.append("\u{FFFD}")
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether a scalar could drive a terminal or reorder text.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
