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
            // Before the first deploy: the items a deploy here will ask for.
            if model.selectedDeploy == nil, let environment = model.selectedEnvironment,
               let lists = model.policies[environment]?.checklists, !lists.isEmpty {
                buffer.put("ticked once a deploy is requested:", x: inner.x + 1, y: inner.y, style: theme[.muted],
                           maxWidth: inner.width - 1)
                let items = lists.flatMap { list in list.items.map { (list.id, $0) } }
                let idWidth = min(max(items.map { CharacterWidth.of($0.1.id) }.max() ?? 0, 4), 16)
                for (offset, (_, item)) in items.enumerated() where inner.y + 1 + offset < inner.maxY {
                    let y = inner.y + 1 + offset
                    var x = inner.x + 1
                    x += buffer.put(glyphs.unticked + " ", x: x, y: y, style: theme[.pending])
                    x += buffer.put(TextFormat.pad(item.id, idWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: theme[.muted])
                    let note = item.isAutomatic ? glyphs.automatic + " " : item.evidenceRequired ? "(note) " : ""
                    buffer.put(TextFormat.fit(note + item.text, inner.maxX - x, ellipsis: glyphs.ellipsis), x: x, y: y,
                               style: theme[.muted])
                }
                let hidden = items.count - (inner.height - 1)
                if hidden > 0 {
                    let hint = glyphs.adapt(" \(hidden) more ↓ ")
                    buffer.put(hint, x: rect.maxX - CharacterWidth.of(hint) - 2, y: rect.maxY - 1, style: theme[.title])
                }
                return
            }
            buffer.put(model.selectedDeploy == nil ? "no checklist before this environment" : "this deploy has no checklist",
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
            // Only where the title leaves room.
            if CharacterWidth.of(title(model)) + CharacterWidth.of(hint) + 6 <= rect.width {
                buffer.put(hint, x: rect.maxX - CharacterWidth.of(hint) - 2, y: rect.y, style: theme[.title])
            }
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}
