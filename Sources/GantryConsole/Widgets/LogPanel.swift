import GantryCore

/// The selected stage's log: the exact command first, then its output; follows new lines
/// unless scrolled; `/` search matches are highlighted. Lines are cut, never wrapped.
public enum LogPanel {
    /// One displayed line.
    public struct Line: Equatable, Sendable {
        public var text: String
        public var role: ThemeRole
    }

    /// The lines of the selected stage, command first.
    public static func lines(_ model: ConsoleModel) -> [Line] {
        guard let deploy = model.selectedDeploy, let index = model.selectedStageIndex else { return [] }
        let stage = deploy.stages[index]
        var lines: [Line] = []
        if !stage.command.isEmpty { lines.append(Line(text: "$ " + ShellQuote.join(stage.command), role: .command)) }
        if stage.log.droppedCount > 0 {
            lines.append(Line(text: "… \(stage.log.droppedCount) earlier lines are in the event log (gantry show \(deploy.id))",
                              role: .muted))
        }
        for line in stage.log.lines {
            let role: ThemeRole = switch line.stream {
            case .stdout: .text
            case .stderr: .warn
            case .system: .muted
            }
            lines.append(Line(text: line.text, role: role))
        }
        if stage.status == .failed, !stage.reason.isEmpty { lines.append(Line(text: "failed: " + stage.reason, role: .critical)) }
        return lines
    }

    /// The lines shown: with a filter (`/`), only those that contain it, else all of them.
    public static func visibleLines(_ model: ConsoleModel) -> [Line] {
        let all = lines(model)
        guard !model.ui.search.isEmpty else { return all }
        return matches(all, query: model.ui.search).map { all[$0] }
    }

    /// Indexes of lines containing `query` (case-insensitive).
    public static func matches(_ lines: [Line], query: String) -> [Int] {
        guard !query.isEmpty else { return [] }
        let needle = query.lowercased()
        // An ASCII query is compared byte by byte (no lowercased copy of every line every frame).
        if needle.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(needle.utf8)
            return lines.indices.filter { containsASCII(lines[$0].text, bytes) }
        }
        return lines.indices.filter { lines[$0].text.lowercased().contains(needle) }
    }

    /// Whether `text` contains `needle` (lowercase ASCII bytes), ignoring ASCII case.
    static func containsASCII(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            guard haystack.count >= needle.count, let first = needle.first else { return needle.isEmpty }
            var start = 0
            while start <= haystack.count - needle.count {
                var byte = haystack[start]
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if byte == first {
                    var index = 1
                    while index < needle.count {
                        var other = haystack[start + index]
                        if other >= 0x41 && other <= 0x5A { other |= 0x20 }
                        if other != needle[index] { break }
                        index += 1
                    }
                    if index == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }

    public static func title(_ model: ConsoleModel, lines: [Line]) -> String {
        guard let deploy = model.selectedDeploy, let index = model.selectedStageIndex else { return Panel.log.title }
        var title = "\(Panel.log.title) · \(deploy.stages[index].id)"
        title += model.ui.logScroll == 0 ? " · follow" : " · scrolled \(model.ui.logScroll) up (G follows)"
        if !model.ui.search.isEmpty {
            let count = matches(lines, query: model.ui.search).count
            let shown = max(0, count - model.ui.logScroll)
            title += " · /\(model.ui.search) \(count == 0 ? "no match" : "\(shown)/\(count)")"
        }
        return title
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let every = lines(model)
        let all = model.ui.search.isEmpty ? every : matches(every, query: model.ui.search).map { every[$0] }
        let inner = Box.draw(&buffer, rect, title: title(model, lines: every), focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        if all.isEmpty {
            var text = [!model.ui.search.isEmpty && !every.isEmpty ? "no line contains '\(model.ui.search)' (esc clears the filter)"
                : "no output yet"]
            if model.selectedDeploy == nil {
                text = model.welcome + (model.welcome.isEmpty ? [] : [""])
                text.append("No deploy to \(model.selectedEnvironment ?? "this environment") yet.")
                text.append((model.readOnly ? "" : "d deploys a version (tab completes), ")
                    + ": runs a command, H shows the history, ? lists every key.")
            }
            var y = inner.y
            for (index, line) in text.enumerated() {
                for part in TextFormat.wrap(glyphs.adapt(line), inner.width - 2) where y < inner.maxY {
                    buffer.put(part, x: inner.x + 1, y: y, style: theme[index < model.welcome.count ? .text : .muted])
                    y += 1
                }
            }
            return
        }
        let scroll = min(max(0, model.ui.logScroll), max(0, all.count - inner.height))
        let end = all.count - scroll
        let start = max(0, end - inner.height)
        let query = model.ui.search.lowercased()
        for (row, index) in (start..<end).enumerated() {
            let line = all[index]
            let y = inner.y + row
            let shown = TextFormat.fit(SafeText.sanitize(line.text), inner.width - 1, ellipsis: glyphs.ellipsis)
            buffer.put(shown, x: inner.x + 1, y: y, style: theme[line.role])
            if !query.isEmpty, !model.ui.search.isEmpty {
                highlight(&buffer, shown, query: query, x: inner.x + 1, y: y, style: theme[.searchHit])
            }
        }
    }

    /// Restyles every occurrence of `query` in the drawn `text`.
    static func highlight(_ buffer: inout CellBuffer, _ text: String, query: String, x: Int, y: Int, style: CellStyle) {
        let characters = Array(text)
        let lowered = characters.map { Character($0.lowercased().count == 1 ? $0.lowercased() : String($0)) }
        let needle = Array(query)
        guard !needle.isEmpty, lowered.count >= needle.count else { return }
        var columnAt: [Int] = []
        var column = 0
        for character in characters {
            columnAt.append(column)
            column += CharacterWidth.of(character)
        }
        var start = 0
        while start <= lowered.count - needle.count {
            if Array(lowered[start..<start + needle.count]) == needle {
                let from = columnAt[start]
                let last = start + needle.count - 1
                let to = columnAt[last] + CharacterWidth.of(characters[last])
                buffer.restyle(Rect(x: x + from, y: y, width: to - from, height: 1), style)
                start += needle.count
            } else {
                start += 1
            }
        }
    }
}
