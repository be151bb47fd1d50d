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
        if let count = CharacterWidth.simpleCount(text) {
            // One column per scalar: cut by scalars.
            if count <= columns { return text }
            let room = max(0, columns - CharacterWidth.of(ellipsis))
            var result = String.UnicodeScalarView()
            for scalar in text.unicodeScalars.prefix(room) { result.append(scalar) }
            return String(result) + ellipsis
        }
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

    /// `text` broken into lines of at most `columns` display columns, at spaces where it can
    /// (a word longer than a line is cut). An empty text is one empty line.
    public static func wrap(_ text: String, _ columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if CharacterWidth.of(candidate) <= columns {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = CharacterWidth.of(word) <= columns ? word : fit(word, columns)
        }
        lines.append(line)
        return lines
    }

    /// `text` padded with spaces to `columns` display columns (cut when longer).
    public static func pad(_ text: String, _ columns: Int, ellipsis: String = "…") -> String {
        let fitted = fit(text, columns, ellipsis: ellipsis)
        return fitted + String(repeating: " ", count: max(0, columns - CharacterWidth.of(fitted)))
    }
}

extension TextFormat {
    /// `HH:MM:SS` in UTC.
    public static func time(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return pad2(day / 3600) + ":" + pad2((day % 3600) / 60) + ":" + pad2(day % 60)
    }

    /// `42s ago`, `3m ago`, `2h ago`, `5d ago`.
    public static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds)s ago" }
        if seconds < 3600 { return "\(seconds / 60)m ago" }
        if seconds < 86_400 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86_400)d ago"
    }

    /// `2026-11-30 14:02` in UTC.
    public static func day(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return "\(y)-\(pad2(m))-\(pad2(d)) " + clock(date)
    }
}
