import GantryCore

/// The selected deploy's checklist items: box, id, text, who ticked it, when, and the note.
public enum ChecklistPanel {
    public static func title(_ model: ConsoleModel) -> String {
        let rows = model.checklistRows
        guard !rows.isEmpty else { return Panel.checklist.title }
        let done = rows.filter { $0.item.isSatisfied }.count
        let lists = Array(Set(rows.map(\.checklist))).sorted().joined(separator: ", ")
        return "\(Panel.checklist.title) · \(lists) · \(done)/\(rows.count)"
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, rect, title: title(model), focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let rows = model.checklistRows
        if rows.isEmpty {
            buffer.put(model.selectedDeploy == nil ? "no deploy selected" : "this deploy has no checklist",
                       x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        let selected = min(max(0, model.ui.item), rows.count - 1)
        let first = max(0, selected - inner.height + 1)
        let idWidth = min(max(rows.map { CharacterWidth.of($0.item.spec.id) }.max() ?? 0, 4), 16)
        for (row, index) in (first..<rows.count).prefix(inner.height).enumerated() {
            let item = rows[index].item
            let y = inner.y + row
            let isSelected = index == selected
            let base = isSelected && focused ? theme[.selected] : theme[.text]
            buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", style: base))
            var x = inner.x
            x += buffer.put(isSelected ? glyphs.selected : " ", x: x, y: y, style: base)
            let box: String
            let boxRole: ThemeRole
            if item.verificationFailed && !item.done {
                box = glyphs.isASCII ? "[!]" : "[✗]"
                boxRole = .critical
            } else if item.done {
                box = glyphs.ticked
                boxRole = item.isSatisfied ? .ok : .warn
            } else {
                box = glyphs.unticked
                boxRole = .pending
            }
            x += buffer.put(box + " ", x: x, y: y, style: isSelected && focused ? base : theme[boxRole])
            x += buffer.put(TextFormat.pad(item.spec.id, idWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y,
                            style: base, maxWidth: inner.maxX - x)
            var who = ""
            if item.done || item.verificationFailed {
                who = item.by + (item.at.map { " " + TextFormat.clock($0) } ?? "")
                if !item.evidence.isEmpty { who += " “" + firstLine(item.evidence) + "”" }
            } else if item.spec.isAutomatic {
                who = glyphs.automatic + " " + ShellQuote.join(item.spec.verify)
            } else if item.spec.evidenceRequired {
                who = "needs a note"
            }
            let room = inner.maxX - x
            let whoWidth = min(CharacterWidth.of(who), max(0, room / 2))
            let textRoom = room - (whoWidth > 0 ? whoWidth + 1 : 0)
            buffer.put(TextFormat.fit(item.spec.text, textRoom, ellipsis: glyphs.ellipsis), x: x, y: y, style: base)
            if whoWidth > 0 {
                buffer.put(TextFormat.fit(who, whoWidth, ellipsis: glyphs.ellipsis), x: inner.maxX - whoWidth, y: y,
                           style: isSelected && focused ? base : theme[.muted])
            }
        }
        // What does not fit is said on the border: "3 more ↓" below, "2 more ↑" above.
        let below = rows.count - first - inner.height
        if below > 0 {
            let hint = glyphs.adapt(" \(below) more ↓ ")
            buffer.put(hint, x: rect.maxX - CharacterWidth.of(hint) - 2, y: rect.maxY - 1, style: theme[.title])
        }
        if first > 0 {
            let hint = glyphs.adapt(" \(first) more ↑ ")
            buffer.put(hint, x: rect.maxX - CharacterWidth.of(hint) - 2, y: rect.y, style: theme[.title])
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}
