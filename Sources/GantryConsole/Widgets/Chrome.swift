import GantryCore

/// The header line: app, the selected environment's deploy and what it is doing, actor and
/// read-only. It always shows the state; messages go to the notification area.
public enum HeaderBar {
    public static func text(_ model: ConsoleModel) -> String {
        let glyphs = model.glyphs
        var left = " gantry"
        if !model.app.isEmpty { left += " \(glyphs.separator) \(model.app)" }
        if let travel = model.ui.travel {
            return left + " \(glyphs.separator) REPLAY \(travel.environment) \(travel.version) \(glyphs.separator) "
                + "event \(travel.index + 1)/\(travel.count)"
        }
        if case .history(let environment) = model.ui.view {
            return left + " \(glyphs.separator) history of \(environment)"
        }
        if let environment = model.selectedEnvironment {
            let head = EnvironmentsPanel.headline(environment, model: model)
            left += " \(glyphs.separator) \(environment) \(head.icon) \(head.text)"
        }
        return left
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme) {
        let style = theme[.header]
        buffer.fill(rect, with: Cell(" ", style: style))
        let glyphs = model.glyphs
        let right = "\(model.actor)" + (model.readOnly ? " \(glyphs.separator) READ-ONLY" : "") + " "
        let rightWidth = min(CharacterWidth.of(right), max(0, rect.width / 3))
        buffer.put(TextFormat.fit(glyphs.adapt(text(model)), rect.width - rightWidth - 1, ellipsis: glyphs.ellipsis),
                   x: rect.x, y: rect.y, style: style)
        buffer.put(TextFormat.fit(right, rightWidth, ellipsis: glyphs.ellipsis), x: rect.maxX - rightWidth, y: rect.y, style: style)
    }
}

/// The notification area: the newest messages, newest first, stacked above the status line at
/// the right; bright at first, then dim, then gone. Errors are red and stay twice as long.
public enum Notifications {
    /// At most this many are shown.
    public static let shown = 3

    public static func draw(_ buffer: inout CellBuffer, above status: Rect, model: ConsoleModel, theme: Theme) {
        let glyphs = model.glyphs
        let visible = model.ui.visibleNotices(now: model.now).prefix(shown)
        guard !visible.isEmpty else { return }
        let width = status.width * 4 / 5
        for (offset, entry) in visible.enumerated() {
            let y = status.y - visible.count + offset
            guard y > 0 else { continue }
            let mark = entry.notice.isError ? glyphs.failed + " " : glyphs.separator + " "
            let text = TextFormat.fit(mark + glyphs.adapt(entry.notice.text), width - 2, ellipsis: glyphs.ellipsis)
            let used = CharacterWidth.of(text) + 2
            var style = entry.notice.isError ? theme[.statusBad].adding(.reverse) : theme[.dialog]
            if entry.fade == .dim { style = entry.notice.isError ? theme[.critical] : theme[.muted] }
            buffer.putPadded(" " + text + " ", x: status.maxX - used - 1, y: y, width: used, style: style)
        }
    }
}

/// The key bar: the keys that work now (none that change anything under `--readonly`).
public enum KeyBar {
    /// The keys that work now, most useful first: when the bar is narrow, the last ones go.
    public static func items(_ model: ConsoleModel) -> [(key: String, label: String)] {
        switch model.ui.overlay {
        case .help: return [("esc", "close help"), ("q", "close")]
        case .prompt(let prompt):
            if !prompt.suggestions.isEmpty || prompt.purpose == .palette { return [("enter", "run"), ("tab", "complete"), ("esc", "cancel")] }
            if prompt.purpose == .search { return [("enter", "keep filter"), ("esc", "clear")] }
            return [("enter", "confirm"), ("esc", "cancel")]
        case .confirm: return [("tab", "switch button"), ("enter", "choose"), ("esc", "cancel")]
        case .none: break
        }
        if model.ui.travel != nil {
            var items: [(String, String)] = [("[ ]", "step"), ("{ }", "10 steps"), ("g G", "first/last"), ("esc", "back")]
            if !model.readOnly { items.append(("d", "redeploy this version")) }
            items += [("tab", "panel"), ("q", "quit")]
            return items
        }
        if case .history = model.ui.view {
            var items: [(String, String)] = [("enter", "replay"), ("j/k", "move"), ("esc", "back")]
            if !model.readOnly { items.append(("d", "deploy this version")) }
            items.append(("q", "quit"))
            return items
        }
        var items: [(String, String)] = [("q", "quit"), ("?", "help")]
        if !model.readOnly {
            if model.ui.focus == .checklist { items += [("space", "tick"), ("n", "tick+note")] }
            items += [("a", "approve"), ("R", "rollback"), ("d", "deploy")]
        }
        items += [("/", "filter"), (":", "command"), ("H", "history"), ("tab", "panel"), ("j/k", "move")]
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
        let glyphs = model.glyphs
        let extra = (prompt.hint.isEmpty ? 0 : 1) + (prompt.suggestions.isEmpty ? 0 : 1)
        let width = min(72, buffer.width - 4)
        let box = buffer.area.centered(width: width, height: 7 + extra)
        let inner = Box.draw(&buffer, box, title: prompt.title, focused: true, theme: theme, glyphs: glyphs)
        buffer.fill(inner, with: Cell(" ", style: theme[.dialog]))
        buffer.put(prompt.label, x: inner.x + 2, y: inner.y + 1, style: theme[.dialog], maxWidth: inner.width - 3)
        let fieldWidth = inner.width - 4
        let shown = String(prompt.text.suffix(max(0, fieldWidth - 1))) + "_"
        buffer.putPadded(shown, x: inner.x + 2, y: inner.y + 2, width: fieldWidth, style: theme[.input])
        var y = inner.y + 3
        if let error = prompt.error {
            buffer.put(error, x: inner.x + 2, y: y, style: theme[.critical], maxWidth: inner.width - 3)
        }
        y += 1
        if !prompt.hint.isEmpty {
            buffer.put(glyphs.adapt(prompt.hint), x: inner.x + 2, y: y, style: theme[.dialog].adding(.bold), maxWidth: inner.width - 3)
            y += 1
        }
        if !prompt.suggestions.isEmpty {
            buffer.put(prompt.suggestions.joined(separator: "  "), x: inner.x + 2, y: y, style: theme[.dialog],
                       maxWidth: inner.width - 3)
            y += 1
        }
        let keys = prompt.suggestions.isEmpty ? "enter: confirm   esc: cancel" : "tab: complete   enter: confirm   esc: cancel"
        buffer.put(keys, x: inner.x + 2, y: y, style: theme[.muted], maxWidth: inner.width - 3)
    }

    /// The search and the command palette are typed on the status line (like vi), so the log
    /// stays in view while it filters; the palette's completions show on the line above.
    public static func drawCommandLine(_ buffer: inout CellBuffer, _ prompt: Prompt, at rect: Rect, model: ConsoleModel,
                                       theme: Theme) {
        let glyphs = model.glyphs
        buffer.fill(rect, with: Cell(" ", style: theme[.input]))
        let lead = prompt.purpose == .search ? "/" : ":"
        var right = ""
        if prompt.purpose == .search {
            let count = LogPanel.matches(LogPanel.lines(model.shown), query: prompt.text).count
            right = prompt.text.isEmpty ? "type to filter the log" : "\(count) match\(count == 1 ? "" : "es")"
        } else if let error = prompt.error {
            right = error
        }
        let rightWidth = min(CharacterWidth.of(right), rect.width / 2)
        let room = rect.width - rightWidth - 3
        let text = lead + String(prompt.text.suffix(max(0, room - 2))) + "_"
        buffer.put(text, x: rect.x + 1, y: rect.y, style: theme[.input])
        if rightWidth > 0 {
            buffer.put(TextFormat.fit(right, rightWidth, ellipsis: glyphs.ellipsis), x: rect.maxX - rightWidth - 1, y: rect.y,
                       style: prompt.error != nil ? theme[.critical] : theme[.input])
        }
        guard !prompt.suggestions.isEmpty || !prompt.hint.isEmpty, rect.y > 0 else { return }
        let line = Rect(x: rect.x, y: rect.y - 1, width: rect.width, height: 1)
        buffer.fill(line, with: Cell(" ", style: theme[.dialog]))
        var x = line.x + 1
        if !prompt.hint.isEmpty {
            x += buffer.put(glyphs.adapt(prompt.hint) + "  ", x: x, y: line.y, style: theme[.dialog].adding(.bold), maxWidth: line.maxX - x)
        }
        for suggestion in prompt.suggestions where x < line.maxX - 1 {
            x += buffer.put(suggestion + "  ", x: x, y: line.y, style: theme[.dialog], maxWidth: line.maxX - x)
        }
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
