import GantryCore

extension PipelineBuilder {
    static let consoleKeys = ["theme"]

    /// Reads `console:`, a mapping with an optional `theme`.
    func consoleSettings(_ value: Value) -> ConsoleSettings? {
        guard let reader = mapping(value, context: "in 'console'", what: "a mapping such as { theme: light }") else {
            return nil
        }
        checkKeys(reader, allowed: Self.consoleKeys)
        guard let themeValue = reader["theme"] else { return ConsoleSettings() }
        guard let theme = string(themeValue) else { return nil }
        if theme.isEmpty || theme.count > 255 || theme.unicodeScalars.contains(where: SafeText.isUnsafe) {
            sink.error("'theme' must be a theme name (dark, light, high-contrast, monochrome, or NAME for "
                + "themes/NAME.theme) or a path to a .theme file, got \(themeValue.got)",
                at: themeValue.position, path: themeValue.path)
            return nil
        }
        let isPath = theme.contains("/") || theme.hasSuffix(".theme")
        if !isPath, !theme.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) {
            sink.error("theme name '\(Quote.clip(theme))' may hold only letters, digits, '-', '_' and '.' "
                + "(or give a path to a .theme file)", at: themeValue.position, path: themeValue.path)
            return nil
        }
        return ConsoleSettings(theme: theme, themeLine: themeValue.position.line, themeColumn: themeValue.position.column)
    }
}
