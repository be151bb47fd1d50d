/// The console's settings from the pipeline file's optional `console:` mapping.
public struct ConsoleSettings: Sendable, Equatable {
    /// The theme: a built-in name, `NAME` for `NAME.theme` in `./themes`, or a path to a
    /// `.theme` file (relative to the pipeline file). Nil when the file names none.
    public var theme: String?
    /// Where `theme` was written (1-based line and column), for messages about it.
    public var themeLine: Int
    public var themeColumn: Int

    /// Creates settings.
    public init(theme: String? = nil, themeLine: Int = 0, themeColumn: Int = 0) {
        self.theme = theme
        self.themeLine = themeLine
        self.themeColumn = themeColumn
    }
}
