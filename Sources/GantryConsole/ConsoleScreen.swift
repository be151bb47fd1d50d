/// The whole console as a pure function: `render(model, theme, size) -> CellBuffer`.
public enum ConsoleScreen {
    public static func render(_ model: ConsoleModel, theme: Theme, size: TerminalSize) -> CellBuffer {
        var buffer = CellBuffer(width: size.columns, height: size.rows, asciiOnly: model.glyphs.isASCII,
                                fill: Cell(" ", style: theme[.text]))
        let layout = model.layout(size)
        if layout.isTooSmall {
            Overlays.drawTooSmall(&buffer, theme: theme)
            return buffer
        }
        HeaderBar.draw(&buffer, layout.header, model: model, theme: theme)
        let focus = model.ui.focus
        func rect(_ panel: Panel) -> Rect { layout.panels[panel] ?? Rect(x: 0, y: 0, width: 0, height: 0) }
        EnvironmentsPanel.draw(&buffer, rect(.environments), model: model, theme: theme, focused: focus == .environments)
        PipelinePanel.draw(&buffer, rect(.pipeline), model: model, theme: theme, focused: focus == .pipeline)
        ChecklistPanel.draw(&buffer, rect(.checklist), model: model, theme: theme, focused: focus == .checklist)
        MetricsPanel.draw(&buffer, rect(.metrics), model: model, theme: theme, focused: focus == .metrics)
        LogPanel.draw(&buffer, rect(.log), model: model, theme: theme, focused: focus == .log)
        StatusText.draw(&buffer, layout.status, model: model, theme: theme)
        KeyBar.draw(&buffer, layout.keyBar, model: model, theme: theme)
        switch model.ui.overlay {
        case .none: break
        case .help: Overlays.drawHelp(&buffer, model: model, theme: theme)
        case .confirm(let confirmation): Overlays.drawConfirm(&buffer, confirmation, model: model, theme: theme)
        case .prompt(let prompt): Overlays.drawPrompt(&buffer, prompt, model: model, theme: theme)
        }
        return buffer
    }
}
