import GantryCore

/// The whole console as a pure function: `render(model, theme, size) -> CellBuffer`.
public enum ConsoleScreen {
    public static func render(_ live: ConsoleModel, theme: Theme, size: TerminalSize) -> CellBuffer {
        var buffer = CellBuffer(width: size.columns, height: size.rows, asciiOnly: live.glyphs.isASCII,
                                fill: Cell(" ", style: theme[.text]))
        draw(live, theme: theme, size: size, into: &buffer)
        return buffer
    }

    /// The same frame drawn into `buffer`, reused when it has the size and glyphs of this one
    /// (the live loop keeps the frame before last for this: no allocation and no teardown of
    /// 12000 cells a frame).
    public static func render(_ live: ConsoleModel, theme: Theme, size: TerminalSize, reusing buffer: inout CellBuffer) {
        let background = Cell(" ", style: theme[.text])
        if buffer.width == size.columns, buffer.height == size.rows, buffer.asciiOnly == live.glyphs.isASCII {
            buffer.fill(buffer.area, with: background)
        } else {
            buffer = CellBuffer(width: size.columns, height: size.rows, asciiOnly: live.glyphs.isASCII, fill: background)
        }
        draw(live, theme: theme, size: size, into: &buffer)
    }

    static func draw(_ live: ConsoleModel, theme: Theme, size: TerminalSize, into buffer: inout CellBuffer) {
        // In time travel every panel shows the state as of the chosen event.
        let model = live.shown
        let layout = model.layout(size)
        if layout.isTooSmall {
            Overlays.drawTooSmall(&buffer, theme: theme)
            return
        }
        HeaderBar.draw(&buffer, layout.header, model: model, theme: theme)
        if case .history(let environment) = model.ui.view, model.ui.travel == nil {
            HistoryPanel.draw(&buffer, layout.body, model: model, environment: environment, theme: theme)
        } else {
            let focus = model.ui.focus
            func rect(_ panel: Panel) -> Rect { layout.panels[panel] ?? Rect(x: 0, y: 0, width: 0, height: 0) }
            EnvironmentsPanel.draw(&buffer, rect(.environments), model: model, theme: theme, focused: focus == .environments,
                                   cards: layout.cards)
            PipelinePanel.draw(&buffer, rect(.pipeline), model: model, theme: theme, focused: focus == .pipeline)
            ChecklistPanel.draw(&buffer, rect(.checklist), model: model, theme: theme, focused: focus == .checklist)
            MetricsPanel.draw(&buffer, rect(.metrics), model: model, theme: theme, focused: focus == .metrics)
            LogPanel.draw(&buffer, rect(.log), model: model, theme: theme, focused: focus == .log)
        }
        if let travel = model.ui.travel {
            TravelBar.draw(&buffer, layout.status, travel: travel, model: model, theme: theme)
        } else {
            StatusText.draw(&buffer, layout.status, model: model, theme: theme)
        }
        KeyBar.draw(&buffer, layout.keyBar, model: model, theme: theme)
        Notifications.draw(&buffer, above: layout.status, model: model, theme: theme)
        switch model.ui.overlay {
        case .none: break
        case .help: Overlays.drawHelp(&buffer, model: model, theme: theme)
        case .confirm(let confirmation): Overlays.drawConfirm(&buffer, confirmation, model: model, theme: theme)
        case .prompt(let prompt) where prompt.purpose == .search || prompt.purpose == .palette:
            Overlays.drawCommandLine(&buffer, prompt, at: layout.status, model: model, theme: theme)
        case .prompt(let prompt): Overlays.drawPrompt(&buffer, prompt, model: model, theme: theme)
        }
    }
}

/// The time-travel scrubber on the status line: the event shown, and where it lies in the deploy.
public enum TravelBar {
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, travel: TimeTravel, model: ConsoleModel, theme: Theme) {
        let glyphs = model.glyphs
        buffer.fill(rect, with: Cell(" ", style: theme[.text]))
        let barWidth = min(40, max(10, rect.width / 4))
        let caption = glyphs.adapt(SafeText.sanitize(travel.caption))
        buffer.put(TextFormat.fit(caption, rect.width - barWidth - 4, ellipsis: glyphs.ellipsis), x: rect.x + 1, y: rect.y,
                   style: theme[.status])
        let x = rect.maxX - barWidth - 1
        let position = travel.count > 1 ? travel.index * (barWidth - 1) / (travel.count - 1) : barWidth - 1
        for column in 0..<barWidth {
            let glyph = column == position ? (glyphs.isASCII ? "|" : "●") : (glyphs.isASCII ? "-" : "─")
            buffer.put(glyph, x: x + column, y: rect.y, style: column <= position ? theme[.running] : theme[.muted])
        }
    }
}
