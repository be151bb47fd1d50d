import Foundation

/// A theme file could not be read: names the file, line and key at fault.
public struct ThemeError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(key.isEmpty ? "" : "key '\(key)': ")\(message)"
            : "\(file): \(message)"
    }
}

/// Theme files: `key = style` lines, `#` comments. A style is `[FG] [on BG] [bold] [dim] [reverse] [underline]`,
/// where a colour is `default`, a name (`black`, `red`, ..., `bright-red`, ...) or a 256-palette index `0`-`255`.
/// `base = NAME` starts from a built-in theme (default `dark`); keys not given keep its style.
///
/// ```
/// base = light
/// selected = white on 25 bold
/// critical = 160 bold
/// ```
public enum ThemeFile {
    static let colorNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// Parses theme file text. `file` names it in errors; `name` is the theme's name.
    public static func parse(_ text: String, file: String, name: String) throws(ThemeError) -> Theme {
        var base = Theme.dark
        var overrides: [ThemeRole: CellStyle] = [:]
        var seen: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmed(" \t\r")
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: number, key: "", message: "expected 'key = value', found '\(trimmed)'")
            }
            let key = String(trimmed[..<equals]).trimmed(" \t")
            let value = String(trimmed[trimmed.index(after: equals)...]).trimmed(" \t")
            if let first = seen[key] {
                throw ThemeError(file: file, line: number, key: key, message: "given twice (first on line \(first))")
            }
            seen[key] = number
            if key == "base" {
                guard let builtIn = Theme.builtIn(value) else {
                    throw ThemeError(file: file, line: number, key: key,
                                     message: "unknown base theme '\(value)' (expected one of \(Theme.builtInNames.joined(separator: ", ")))")
                }
                guard overrides.isEmpty else {
                    throw ThemeError(file: file, line: number, key: key, message: "must come before every style")
                }
                base = builtIn
                continue
            }
            guard let role = ThemeRole(rawValue: key) else {
                throw ThemeError(file: file, line: number, key: key,
                                 message: "unknown key\(suggestion(for: key)); keys are base, \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            do {
                overrides[role] = try parseStyle(value)
            } catch let problem {
                throw ThemeError(file: file, line: number, key: key, message: problem.message)
            }
        }
        var theme = base
        theme.name = name
        for (role, style) in overrides { theme.styles[role] = style }
        return theme
    }

    /// The theme as file text (every key), the inverse of `parse`.
    public static func render(_ theme: Theme, header: String = "") -> String {
        let names = Dictionary(colorNames.filter { !["gray", "grey"].contains($0.key) }.map { ($0.value, $0.key) },
                               uniquingKeysWith: { a, _ in a })
        func color(_ value: TerminalColor) -> String {
            switch value {
            case .default: "default"
            case .index(let index): names[index] ?? String(index)
            }
        }
        var lines = header.isEmpty ? [] : header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        for role in ThemeRole.allCases {
            let style = theme[role]
            var words = [color(style.fg)]
            if style.bg != .default { words += ["on", color(style.bg)] }
            if style.attributes.contains(.bold) { words.append("bold") }
            if style.attributes.contains(.dim) { words.append("dim") }
            if style.attributes.contains(.reverse) { words.append("reverse") }
            if style.attributes.contains(.underline) { words.append("underline") }
            lines.append(role.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0) + "= " + words.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct StyleProblem: Error { var message: String }

    /// Parses `[FG] [on BG] [attributes...]`.
    static func parseStyle(_ value: String) throws(StyleProblem) -> CellStyle {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map { $0.lowercased() }
        guard !words.isEmpty else { throw StyleProblem(message: "empty style (expected e.g. 'white on blue bold')") }
        var style = CellStyle()
        var index = 0
        var sawForeground = false
        while index < words.count {
            let word = words[index]
            switch word {
            case "bold": style.attributes.insert(.bold)
            case "dim": style.attributes.insert(.dim)
            case "reverse": style.attributes.insert(.reverse)
            case "underline": style.attributes.insert(.underline)
            case "plain", "none": break
            case "on":
                index += 1
                guard index < words.count else { throw StyleProblem(message: "'on' needs a background colour") }
                style.bg = try color(words[index])
            default:
                guard !sawForeground else {
                    throw StyleProblem(message: "unexpected '\(word)' (a style is [FG] [on BG] [bold|dim|reverse|underline])")
                }
                style.fg = try color(word)
                sawForeground = true
            }
            index += 1
        }
        return style
    }

    static func color(_ word: String) throws(StyleProblem) -> TerminalColor {
        if word == "default" { return .default }
        if let named = colorNames[word] { return .index(named) }
        if let number = Int(word) {
            guard (0...255).contains(number) else { throw StyleProblem(message: "colour \(number) is outside 0-255") }
            return .index(UInt8(number))
        }
        throw StyleProblem(message: "unknown colour '\(word)' (expected default, a name like red or bright-blue, or 0-255)")
    }

    private static func suggestion(for key: String) -> String {
        let best = ThemeRole.allCases.map(\.rawValue).min { distance($0, key) < distance($1, key) }
        guard let best, distance(best, key) <= 2 else { return "" }
        return " (did you mean '\(best)'?)"
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}

extension Substring {
    func trimmed(_ set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

extension String {
    func trimmed(_ set: String) -> String { self[...].trimmed(set) }
}
