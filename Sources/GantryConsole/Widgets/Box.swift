/// A bordered panel with a title. Returns the inner rectangle.
public enum Box {
    @discardableResult
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, title: String, focused: Bool,
                            theme: Theme, glyphs: Glyphs) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let border = theme[focused ? .borderFocused : .border]
        buffer.fill(rect, with: Cell(" ", style: theme[.text]))
        let horizontal = String(repeating: glyphs.horizontal, count: rect.width - 2)
        buffer.put(glyphs.topLeft + horizontal + glyphs.topRight, x: rect.x, y: rect.y, style: border)
        buffer.put(glyphs.bottomLeft + horizontal + glyphs.bottomRight, x: rect.x, y: rect.maxY - 1, style: border)
        for row in rect.y + 1..<rect.maxY - 1 {
            buffer.put(glyphs.vertical, x: rect.x, y: row, style: border)
            buffer.put(glyphs.vertical, x: rect.maxX - 1, y: row, style: border)
        }
        if rect.width > 4 {
            let label = " " + TextFormat.fit(title, rect.width - 4, ellipsis: glyphs.ellipsis) + " "
            buffer.put(label, x: rect.x + 1, y: rect.y, style: theme[focused ? .titleFocused : .title])
        }
        return rect.inset(1)
    }
}
