import GantryCore

/// The environments: the version live in each (what kubectl last showed there, whichever deploy
/// put it there — also a stage of another environment's deploy), the state of its newest deploy
/// (or of another environment's deploy in progress that changed it on the way), and
/// "drift" when a reconcile found something Gantry did not put there.
public enum EnvironmentsPanel {
    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, rect, title: Panel.environments.title, focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let names = model.environments
        if names.isEmpty {
            buffer.put("no environments", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        let selected = min(max(0, model.ui.environment), names.count - 1)
        let first = max(0, selected - inner.height + 1)
        let nameWidth = min(max(names.map { CharacterWidth.of($0) }.max() ?? 0, 4), max(4, inner.width / 2))
        for (row, index) in (first..<names.count).prefix(inner.height).enumerated() {
            let name = names[index]
            let y = inner.y + row
            let isSelected = index == selected
            let base = isSelected ? (focused ? theme[.selected] : theme[.text].adding(.bold)) : theme[.text]
            buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", style: base))
            var x = inner.x
            x += buffer.put(isSelected ? glyphs.selected + " " : "  ", x: x, y: y, style: base)
            x += buffer.put(TextFormat.pad(name, nameWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base,
                            maxWidth: inner.maxX - x)
            let live = model.state.environments[name]?.currentVersion
            if let env = model.state.environments[name], env.drift != nil {
                let version = env.live.map { $0.version.isEmpty ? $0.image : $0.version } ?? "-"
                x += buffer.put(version + " ", x: x, y: y, style: base, maxWidth: inner.maxX - x)
                buffer.put(glyphs.failed + " drift", x: x, y: y, style: isSelected && focused ? base : theme[.critical],
                           maxWidth: inner.maxX - x)
                continue
            }
            // The newest deploy to it, unless another environment's deploy in progress changed it
            // on the way (production's deploy put a version on staging and waits at its gate).
            var latest = model.state.latestDeploy(in: name)
            if let by = model.state.environments[name]?.liveBy, let other = model.state.deploys[by],
               other.environment != name, !other.status.isFinished {
                latest = other
            }
            guard let deploy = latest else {
                buffer.put(live ?? "-", x: x, y: y, style: isSelected && focused ? base : theme[live == nil ? .muted : .text],
                           maxWidth: inner.maxX - x)
                continue
            }
            let shown = deploy.status.isFinished ? (live ?? "-") : deploy.version
            x += buffer.put(shown + " ", x: x, y: y, style: base, maxWidth: inner.maxX - x)
            var (icon, role) = statusIcon(deploy.status, glyphs: glyphs)
            var status = deploy.status.rawValue
            if deploy.status == .rolledBack, let rollback = deploy.rollback, !rollback.reason.hasPrefix("automatic") {
                // A rollback someone chose is not a failure: marked apart, with who.
                (icon, role) = (glyphs.cancelled, .warn)
                status = "rolled back by \(rollback.requestedBy)"
            }
            let style = isSelected && focused ? base : theme[role]
            let word = icon + " " + (shown == deploy.version ? status : "\(deploy.version) \(status)")
            buffer.put(CharacterWidth.of(word) <= inner.maxX - x ? word : icon, x: x, y: y, style: style, maxWidth: inner.maxX - x)
        }
    }

    /// The icon and role of a deploy status.
    public static func statusIcon(_ status: DeployStatus, glyphs: Glyphs) -> (String, ThemeRole) {
        switch status {
        case .requested: (glyphs.queued, .pending)
        case .running: (glyphs.running, .running)
        case .rollingBack: (glyphs.running, .critical)
        case .succeeded: (glyphs.succeeded, .ok)
        case .failed, .rolledBack: (glyphs.failed, .critical)
        case .cancelled, .interrupted: (glyphs.cancelled, .warn)
        }
    }
}
