import Foundation
import GantryCore

/// Small, locale-free formatters (the screen must be the same on every machine).
public enum TextFormat {
    /// `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + pad2(total % 60) + "s" }
        return "\(total / 3600)h" + pad2((total % 3600) / 60) + "m"
    }

    /// `HH:MM` in UTC.
    public static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return pad2(day / 3600) + ":" + pad2((day % 3600) / 60)
    }

    /// A metric value: short, e.g. `0.072`, `1.5`, `340`.
    public static func value(_ value: Double) -> String { EventPayload.format(value) }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `text` cut to `columns` display columns, ending with `ellipsis` when cut.
    public static func fit(_ text: String, _ columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if CharacterWidth.of(text) <= columns { return text }
        var result = ""
        var used = 0
        let room = columns - CharacterWidth.of(ellipsis)
        for character in text {
            let width = CharacterWidth.of(character)
            if used + width > room { break }
            result.append(character)
            used += width
        }
        return result + ellipsis
    }

    /// `text` padded with spaces to `columns` display columns (cut when longer).
    public static func pad(_ text: String, _ columns: Int, ellipsis: String = "…") -> String {
        let fitted = fit(text, columns, ellipsis: ellipsis)
        return fitted + String(repeating: " ", count: max(0, columns - CharacterWidth.of(fitted)))
    }
}
