import Foundation

/// Picks the console's theme: `--theme NAME|PATH`, else `GANTRY_THEME`, else the config's, else `dark`.
/// A name is looked up as `NAME.theme` in the search directories (files override the built-in
/// themes), then among the built-ins. `NO_COLOR` (non-empty) strips every colour.
public enum ThemeLoader {
    /// Where the chosen theme's name came from.
    public enum Source: Equatable, Sendable {
        case flag, environment, config, fallback
    }

    /// The theme name (or path) to load and where it came from: `--theme`, then a non-empty
    /// `GANTRY_THEME`, then the pipeline file's `console.theme`, then `dark`.
    public static func choose(flag: String?, configured: String?, environment: [String: String]) -> (name: String, source: Source) {
        if let flag { return (flag, .flag) }
        if let named = environment["GANTRY_THEME"], !named.isEmpty { return (named, .environment) }
        if let configured { return (configured, .config) }
        return ("dark", .fallback)
    }

    /// Every theme name `load` finds by name: the built-ins, then `NAME.theme` files in the
    /// search directories (for "did you mean" suggestions).
    public static func knownNames(searchDirectories: [String]) -> [String] {
        var names = Theme.builtInNames
        for directory in searchDirectories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".theme") {
                let name = String(file.dropLast(".theme".count))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// The theme to use, or an error naming the file, line and key at fault.
    public static func resolve(flag: String?, configured: String? = nil, environment: [String: String],
                               searchDirectories: [String]) throws(ThemeError) -> Theme {
        let requested = choose(flag: flag, configured: configured, environment: environment).name
        var theme = try load(requested, searchDirectories: searchDirectories)
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { theme = theme.withoutColor() }
        return theme
    }

    /// Loads a theme by name or path.
    public static func load(_ nameOrPath: String, searchDirectories: [String]) throws(ThemeError) -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
            return try loadFile(nameOrPath)
        }
        for directory in searchDirectories {
            let path = (directory as NSString).appendingPathComponent(nameOrPath + ".theme")
            if FileManager.default.fileExists(atPath: path) { return try loadFile(path) }
        }
        if let builtIn = Theme.builtIn(nameOrPath) { return builtIn }
        throw ThemeError(file: nameOrPath, line: 0, key: "",
                         message: "no such theme (built-in: \(Theme.builtInNames.joined(separator: ", ")); or give a path to a .theme file)")
    }

    /// Reads and parses one theme file; its name is the file name without `.theme`.
    public static func loadFile(_ path: String) throws(ThemeError) -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, line: 0, key: "", message: "cannot read the theme file")
        }
        guard data.count <= 64 * 1024 else {
            throw ThemeError(file: path, line: 0, key: "", message: "theme file is larger than 64 KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: 0, key: "", message: "theme file is not UTF-8 text")
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try ThemeFile.parse(text, file: path, name: name)
    }
}
