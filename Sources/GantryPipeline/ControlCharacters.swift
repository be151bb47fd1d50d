/// Characters a pipeline file may not carry into arguments, names and texts: C0 and C1 control
/// characters (NUL, escape, carriage return, ...), DEL, and the bidirectional overrides and
/// isolates that make text read differently from what runs ("Trojan Source").
///
/// A NUL byte would cut an argument short at `exec`; an escape sequence would drive the
/// terminal of whoever reads the log; a bidi override hides what an argument really says.
enum ControlCharacters {
    /// The first forbidden character of `text`, with its index in Unicode scalars (from 1).
    /// Free text (a checklist item's text, a Prometheus query) may hold line breaks and tabs.
    static func first(in text: String, allowLineBreaks: Bool) -> (index: Int, scalar: Unicode.Scalar)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() where isForbidden(scalar, allowLineBreaks: allowLineBreaks) {
            return (offset + 1, scalar)
        }
        return nil
    }

    static func isForbidden(_ scalar: Unicode.Scalar, allowLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !allowLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true
        default: return false
        }
    }

    /// How a forbidden character is named in a message: `U+0000 (NUL)`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [0x00: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return",
                                       0x1B: "escape", 0x7F: "DEL", 0x202E: "right-to-left override",
                                       0x202D: "left-to-right override", 0x2066: "left-to-right isolate",
                                       0x2067: "right-to-left isolate", 0x2068: "first strong isolate",
                                       0x2069: "pop directional isolate"]
        if let name = names[scalar.value] { return "\(code) (\(name))" }
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return "\(code) (a control character)" }
        return "\(code) (a bidirectional control)"
    }
}
