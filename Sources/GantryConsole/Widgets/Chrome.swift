import GantryCore

/// The header line: app, selected environment and deploy, actor, read-only, and the last message.
public enum HeaderBar {
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme) {
        let style = theme[.header]
        buffer.fill(rect, with: Cell(" ", style: style))
        let glyphs = model.glyphs
        var left = " gantry"
        if !model.app.isEmpty { left += " \(glyphs.separator) \(model.app)" }
        if let deploy = model.selectedDeploy {
            left += " \(glyphs.separator) \(deploy.environment) \(deploy.version) \(deploy.status.rawValue)"
        }
        var right = "\(model.actor)" + (model.readOnly ? " \(glyphs.separator) READ-ONLY" : "") + " "
        if let message = model.ui.message {
            right = glyphs.adapt(message) + "  " + glyphs.separator + " " + right
        }
        let rightWidth = min(CharacterWidth.of(right), max(0, rect.width - 12))
        let leftWidth = buffer.put(TextFormat.fit(left, rect.width - rightWidth - 1, ellipsis: glyphs.ellipsis),
                                   x: rect.x, y: rect.y, style: style)
        _ = leftWidth
        var rightStyle = style
        if model.ui.message != nil, model.ui.messageIsError { rightStyle = theme[.statusBad].adding(.reverse) }
        buffer.put(TextFormat.fit(right, rightWidth, ellipsis: glyphs.ellipsis), x: rect.maxX - rightWidth, y: rect.y,
                   style: model.ui.message == nil ? style : rightStyle)
    }
}

/// The key bar: the keys that work now (none that change anything under `--readonly`).
public enum KeyBar {
    public static func items(_ model: ConsoleModel) -> [(key: String, label: String)] {
        switch model.ui.overlay {
        case .help: return [("esc", "close help"), ("q", "close")]
        case .prompt: return [("enter", "confirm"), ("esc", "cancel")]
        case .confirm: return [("tab", "switch button"), ("enter", "choose"), ("esc", "cancel")]
        case .none: break
        }
        var items: [(String, String)] = [("q", "quit"), ("?", "help"), ("tab", "panel"), ("j/k", "move")]
        if !model.readOnly {
            if model.ui.focus == .checklist { items.append(("space", "tick")) }
            items += [("a", "approve"), ("R", "rollback"), ("d", "deploy")]
        }
        items.append(("/", "search"))
        if model.ui.focus == .log { items.append(("G", "follow")) }
        return items
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme) {
        buffer.fill(rect, with: Cell(" ", style: theme[.keyBar]))
        var x = rect.x + 1
        for item in items(model) {
            let width = CharacterWidth.of(item.key) + CharacterWidth.of(item.label) + 3
            if x + width > rect.maxX { break }
            x += buffer.put(item.key, x: x, y: rect.y, style: theme[.keyBarKey])
            x += buffer.put(" " + item.label + "  ", x: x, y: rect.y, style: theme[.keyBar])
        }
        if model.readOnly {
            let label = "read-only"
            if x + CharacterWidth.of(label) + 1 < rect.maxX {
                buffer.put(label, x: rect.maxX - CharacterWidth.of(label) - 1, y: rect.y, style: theme[.keyBarKey])
            }
        }
    }
}

/// The overlays: help, confirmation dialog, prompt; and the too-small message.
public enum Overlays {
    public static func drawHelp(_ buffer: inout CellBuffer, model: ConsoleModel, theme: Theme) {
        let bindings = KeyMap.bindings.filter { !model.readOnly || !$0.changes }
        let keyWidth = bindings.map { CharacterWidth.of($0.keys) }.max() ?? 0
        let rows = bindings.count + (model.readOnly ? 4 : 3)
        let box = buffer.area.centered(width: 72, height: rows + 2)
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, box, title: "Keys", focused: true, theme: theme, glyphs: glyphs)
        buffer.fill(inner, with: Cell(" ", style: theme[.dialog]))
        var y = inner.y + 1
        for binding in bindings where y < inner.maxY {
            buffer.put(TextFormat.pad(glyphs.adapt(binding.keys), keyWidth), x: inner.x + 2, y: y, style: theme[.dialog].adding(.bold))
            buffer.put(glyphs.adapt(binding.action), x: inner.x + 4 + keyWidth, y: y, style: theme[.dialog],
                       maxWidth: inner.maxX - inner.x - 5 - keyWidth)
            y += 1
        }
        if model.readOnly, y < inner.maxY {
            buffer.put("read-only: keys that change anything are off", x: inner.x + 2, y: y, style: theme[.dialog].adding(.bold),
                       maxWidth: inner.width - 3)
        }
    }

    public static func drawConfirm(_ buffer: inout CellBuffer, _ confirmation: Confirmation, model: ConsoleModel, theme: Theme) {
        let width = min(64, buffer.width - 4)
        let box = buffer.area.centered(width: width, height: confirmation.lines.count + 6)
        let inner = Box.draw(&buffer, box, title: confirmation.title, focused: true, theme: theme, glyphs: model.glyphs)
        buffer.fill(inner, with: Cell(" ", style: theme[.dialog]))
        for (offset, line) in confirmation.lines.enumerated() {
            buffer.put(model.glyphs.adapt(line), x: inner.x + 2, y: inner.y + 1 + offset, style: theme[.dialog],
                       maxWidth: inner.width - 3)
        }
        let cancel = "[ Cancel ]", confirm = "[ \(confirmation.confirmLabel) ]"
        let total = CharacterWidth.of(cancel) + 3 + CharacterWidth.of(confirm)
        let x = inner.x + max(1, (inner.width - total) / 2)
        let y = inner.maxY - 2
        buffer.put(cancel, x: x, y: y, style: theme[confirmation.confirmFocused ? .dialogButton : .dialogButtonFocused])
        buffer.put(confirm, x: x + CharacterWidth.of(cancel) + 3, y: y,
                   style: theme[confirmation.confirmFocused ? .dialogButtonFocused : .dialogButton])
    }

    public static func drawPrompt(_ buffer: inout CellBuffer, _ prompt: Prompt, model: ConsoleModel, theme: Theme) {
        let width = min(64, buffer.width - 4)
        let box = buffer.area.centered(width: width, height: 7)
        let inner = Box.draw(&buffer, box, title: prompt.title, focused: true, theme: theme, glyphs: model.glyphs)
        buffer.fill(inner, with: Cell(" ", style: theme[.dialog]))
        buffer.put(prompt.label, x: inner.x + 2, y: inner.y + 1, style: theme[.dialog], maxWidth: inner.width - 3)
        let fieldWidth = inner.width - 4
        let shown = String(prompt.text.suffix(max(0, fieldWidth - 1))) + "_"
        buffer.putPadded(shown, x: inner.x + 2, y: inner.y + 2, width: fieldWidth, style: theme[.input])
        if let error = prompt.error {
            buffer.put(error, x: inner.x + 2, y: inner.y + 3, style: theme[.critical], maxWidth: inner.width - 3)
        }
        buffer.put("enter: confirm   esc: cancel", x: inner.x + 2, y: inner.y + 4, style: theme[.muted], maxWidth: inner.width - 3)
    }

    public static func drawTooSmall(_ buffer: inout CellBuffer, theme: Theme) {
        let minimum = ConsoleLayout.minimum
        let lines = ["Terminal too small", "\(buffer.width)x\(buffer.height), need \(minimum.columns)x\(minimum.rows)",
                     "q quits"]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < buffer.height {
            let width = CharacterWidth.of(line)
            buffer.put(line, x: max(0, (buffer.width - width) / 2), y: top + offset,
                       style: offset == 0 ? theme[.status] : theme[.text])
        }
    }
}
