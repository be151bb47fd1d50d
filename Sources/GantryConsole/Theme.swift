/// What a piece of the screen means; a theme gives each role a style.
public enum ThemeRole: String, CaseIterable, Sendable {
    case text, muted, border, borderFocused = "border-focused", title, titleFocused = "title-focused"
    case header, selected, ok, running, warn, critical, pending
    case keyBar = "key-bar", keyBarKey = "key-bar-key", status, statusBad = "status-bad", statusGood = "status-good"
    case dialog, dialogButton = "dialog-button", dialogButtonFocused = "dialog-button-focused"
    case searchHit = "search-hit", command, input
}

/// A named set of styles, one per role. Built-in themes live in code; files in `themes/` override them.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [ThemeRole: CellStyle]

    public init(name: String, styles: [ThemeRole: CellStyle]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: ThemeRole) -> CellStyle {
        styles[role] ?? .plain
    }

    /// This theme without any colour (attributes kept): for `NO_COLOR` and terminals without colour.
    /// Roles that relied on colour alone get an attribute so they stay distinguishable.
    public func withoutColor() -> Theme {
        var copy = self
        for role in ThemeRole.allCases {
            let fallback = Theme.monochrome[role].attributes
            var style = self[role]
            style.fg = .default
            style.bg = .default
            style.attributes.formUnion(fallback)
            copy.styles[role] = style
        }
        return copy
    }

    /// This theme with colours folded to the 8 basic ones.
    public func basicColors() -> Theme {
        var copy = self
        for (role, style) in styles {
            copy.styles[role] = CellStyle(fg: style.fg.basic, bg: style.bg.basic, attributes: style.attributes)
        }
        return copy
    }

    // MARK: - Built-in themes

    /// The built-in theme names.
    public static let builtInNames = ["dark", "light", "high-contrast", "monochrome"]

    /// The built-in theme `name`, if there is one.
    public static func builtIn(_ name: String) -> Theme? {
        switch name {
        case "dark": dark
        case "light": light
        case "high-contrast": highContrast
        case "monochrome": monochrome
        default: nil
        }
    }

    private static func s(_ fg: TerminalColor = .default, _ bg: TerminalColor = .default,
                          _ attributes: CellAttributes = []) -> CellStyle {
        CellStyle(fg: fg, bg: bg, attributes: attributes)
    }

    /// The default: light text on the terminal's dark background.
    public static let dark = Theme(name: "dark", styles: [
        .text: s(), .muted: s(.index(245)), .border: s(.index(240)), .borderFocused: s(.index(39), .default, .bold),
        .title: s(.index(250), .default, .bold), .titleFocused: s(.index(39), .default, .bold),
        .header: s(.index(255), .index(236), .bold), .selected: s(.index(16), .index(39)),
        .ok: s(.index(42)), .running: s(.index(39), .default, .bold), .warn: s(.index(214)),
        .critical: s(.index(196), .default, .bold), .pending: s(.index(245)),
        .keyBar: s(.index(250), .index(236)), .keyBarKey: s(.index(39), .index(236), .bold),
        .status: s(.index(214), .default, .bold), .statusBad: s(.index(196), .default, .bold),
        .statusGood: s(.index(42), .default, .bold),
        .dialog: s(.index(255), .index(238)), .dialogButton: s(.index(250), .index(240)),
        .dialogButtonFocused: s(.index(16), .index(39), .bold),
        .searchHit: s(.index(16), .index(220)), .command: s(.index(110)), .input: s(.index(255), .index(236), .underline),
    ])

    /// For terminals with a light background: dark text, darker accents.
    public static let light = Theme(name: "light", styles: [
        .text: s(.index(235)), .muted: s(.index(242)), .border: s(.index(248)), .borderFocused: s(.index(25), .default, .bold),
        .title: s(.index(238), .default, .bold), .titleFocused: s(.index(25), .default, .bold),
        .header: s(.index(235), .index(253), .bold), .selected: s(.index(231), .index(25)),
        .ok: s(.index(28)), .running: s(.index(25), .default, .bold), .warn: s(.index(130)),
        .critical: s(.index(160), .default, .bold), .pending: s(.index(242)),
        .keyBar: s(.index(238), .index(253)), .keyBarKey: s(.index(25), .index(253), .bold),
        .status: s(.index(130), .default, .bold), .statusBad: s(.index(160), .default, .bold),
        .statusGood: s(.index(28), .default, .bold),
        .dialog: s(.index(235), .index(254)), .dialogButton: s(.index(235), .index(250)),
        .dialogButtonFocused: s(.index(231), .index(25), .bold),
        .searchHit: s(.index(235), .index(222)), .command: s(.index(24)), .input: s(.index(235), .index(255), .underline),
    ])

    /// Maximum contrast: bright basic colours, bold everywhere that matters.
    public static let highContrast = Theme(name: "high-contrast", styles: [
        .text: s(.index(15)), .muted: s(.index(7)), .border: s(.index(15)), .borderFocused: s(.index(11), .default, .bold),
        .title: s(.index(15), .default, .bold), .titleFocused: s(.index(11), .default, [.bold, .underline]),
        .header: s(.index(0), .index(15), .bold), .selected: s(.index(0), .index(11), .bold),
        .ok: s(.index(10), .default, .bold), .running: s(.index(14), .default, .bold), .warn: s(.index(11), .default, .bold),
        .critical: s(.index(15), .index(9), .bold), .pending: s(.index(7)),
        .keyBar: s(.index(0), .index(15)), .keyBarKey: s(.index(0), .index(15), [.bold, .underline]),
        .status: s(.index(11), .default, .bold), .statusBad: s(.index(15), .index(9), .bold),
        .statusGood: s(.index(10), .default, .bold),
        .dialog: s(.index(15), .index(0), .bold), .dialogButton: s(.index(15), .index(0), .bold),
        .dialogButtonFocused: s(.index(0), .index(11), .bold),
        .searchHit: s(.index(0), .index(11), .bold), .command: s(.index(14)), .input: s(.index(15), .default, .underline),
    ])

    /// No colour at all: attributes only. Used for `NO_COLOR` and colourless terminals.
    public static let monochrome = Theme(name: "monochrome", styles: [
        .text: s(), .muted: s(.default, .default, .dim), .border: s(), .borderFocused: s(.default, .default, .bold),
        .title: s(.default, .default, .bold), .titleFocused: s(.default, .default, [.bold, .underline]),
        .header: s(.default, .default, .reverse), .selected: s(.default, .default, .reverse),
        .ok: s(), .running: s(.default, .default, .bold), .warn: s(.default, .default, .underline),
        .critical: s(.default, .default, [.bold, .underline]), .pending: s(.default, .default, .dim),
        .keyBar: s(.default, .default, .reverse), .keyBarKey: s(.default, .default, [.reverse, .bold]),
        .status: s(.default, .default, .bold), .statusBad: s(.default, .default, [.bold, .underline]),
        .statusGood: s(.default, .default, .bold),
        .dialog: s(), .dialogButton: s(), .dialogButtonFocused: s(.default, .default, .reverse),
        .searchHit: s(.default, .default, [.reverse, .underline]), .command: s(.default, .default, .bold),
        .input: s(.default, .default, .underline),
    ])
}
