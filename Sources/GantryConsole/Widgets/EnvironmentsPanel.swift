import Foundation
import GantryCore

/// The environments, as cards when there is room (what runs there as kubectl last read it and
/// since when, pods, the known-good version and the rollback target, the lease holder, and live
/// sparklines from the agent's samples between deploys), else one line each.
///
/// What runs comes from the environment's observations, whichever deploy put it there (also a
/// stage of another environment's deploy); "drift" when a reconcile found something Gantry did
/// not put there.
public enum EnvironmentsPanel {
    /// Rows of one card: name, live, known-good, lease, one per metric, and a blank line.
    public static func cardHeight(_ model: ConsoleModel) -> Int {
        let metrics = model.environments.map { model.policies[$0]?.metrics.count ?? 0 }.max() ?? 0
        return 5 + metrics
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool,
                            cards: Bool) {
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, rect, title: Panel.environments.title, focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let names = model.environments
        if names.isEmpty {
            buffer.put("no environments", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
            return
        }
        let selected = model.selectedEnvironment.flatMap { names.firstIndex(of: $0) } ?? 0
        if cards {
            let height = cardHeight(model)
            for (index, name) in names.enumerated() {
                let y = inner.y + index * height
                guard y < inner.maxY else { break }
                drawCard(&buffer, Rect(x: inner.x, y: y, width: inner.width, height: min(height - 1, inner.maxY - y)),
                         name: name, model: model, theme: theme, selected: index == selected, focused: focused)
            }
            return
        }
        let first = max(0, selected - inner.height + 1)
        for (row, index) in (first..<names.count).prefix(inner.height).enumerated() {
            drawLine(&buffer, Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1), name: names[index],
                     model: model, theme: theme, selected: index == selected, focused: focused)
        }
    }

    /// What an environment's headline says: the icon and words of its deploy in progress (its
    /// own, or another environment's that changed it on the way), else of its newest deploy's
    /// outcome, else of its drift.
    public static func headline(_ name: String, model: ConsoleModel) -> (icon: String, text: String, role: ThemeRole, words: String) {
        let glyphs = model.glyphs
        let env = model.state.environments[name]
        if let drift = env?.drift, !drift.isEmpty { return (glyphs.failed, "drift", .critical, "drift") }
        var latest = model.state.latestDeploy(in: name)
        if let by = env?.liveBy, let other = model.state.deploys[by], other.environment != name, !other.status.isFinished {
            latest = other
        }
        guard let deploy = latest else { return (glyphs.pending, "no deploy yet", .muted, "no deploy yet") }
        var (icon, role) = statusIcon(deploy.status, glyphs: glyphs)
        var word = deploy.status.rawValue
        if deploy.status == .rolledBack, let rollback = deploy.rollback {
            if rollback.isAutomatic {
                word = "rolled back automatically"
            } else {
                // A rollback someone chose is not a failure: marked apart, with who.
                (icon, role) = (glyphs.cancelled, .warn)
                word = "rolled back by \(rollback.requestedBy)"
            }
        }
        if !deploy.status.isFinished {
            var words = "\(deploy.version) \(word)"
            if deploy.environment != name { words += " (\(deploy.environment)'s)" }
            var text = words
            if let running = deploy.stages.last(where: { $0.status == .running }), let progress = running.progress {
                text += " " + glyphs.separator + " " + PipelinePanel.progressText(progress)
            }
            return (icon, text, role, words)
        }
        return (icon, "\(deploy.version) \(word)", role, "\(deploy.version) \(word)")
    }

    /// `live 1.9.0 · 3h · 5/5 ready`.
    static func liveLine(_ name: String, model: ConsoleModel) -> (String, ThemeRole) {
        guard let env = model.state.environments[name], let live = env.live else { return ("live: not read yet", .muted) }
        var text = "live " + (live.version.isEmpty ? live.image : live.version)
        if let since = env.liveSince { text += " \(model.glyphs.separator) " + TextFormat.duration(model.now.timeIntervalSince(since)) }
        let pods = podCounts(name, model: model) ?? (live.ready, live.desired)
        text += " \(model.glyphs.separator) \(pods.ready)/\(pods.desired) pods"
        // The colour that serves, or the canary beside the stable version.
        if !live.detail.isEmpty { text += " \(model.glyphs.separator) \(live.detail)" }
        if let drift = env.drift, !drift.isEmpty { return ("drift: " + drift, .critical) }
        return (text, pods.ready < pods.desired ? .warn : .text)
    }

    /// Ready and desired pods: the agent's newest reading when it is newer than the log's
    /// last observation, else the observation's.
    static func podCounts(_ name: String, model: ConsoleModel) -> (ready: Int, desired: Int)? {
        let observed = model.state.environments[name]?.observedAt ?? .distantPast
        if let sampled = model.live.pods(name), sampled.at > observed { return (sampled.ready, sampled.desired) }
        return model.state.environments[name]?.live.map { ($0.ready, $0.desired) }
    }

    /// `good 1.9.0 · rollback → 1.8.2`.
    static func goodLine(_ name: String, model: ConsoleModel) -> String {
        let env = model.state.environments[name]
        var text = "good " + (env?.knownGood.last ?? "none yet")
        if let target = rollbackTarget(name, model: model) { text += " \(model.glyphs.separator) rollback → \(target)" }
        return model.glyphs.adapt(text)
    }

    /// Where a rollback of `name` would go now, as the rulebook plans it.
    static func rollbackTarget(_ name: String, model: ConsoleModel) -> String? {
        if let deploy = Rulebook.deployToRollBack(name, model.state),
           let step = RollbackPlan.steps(of: deploy, in: model.state).first(where: { $0.environment == name }) {
            return step.to
        }
        return model.state.environments[name]?.rollbackTarget
    }

    /// `lease executor@host:42 · 21s left`, or `free`.
    static func leaseLine(_ name: String, model: ConsoleModel) -> (String, ThemeRole) {
        guard let lease = model.state.environments[name]?.lease, lease.expires > model.now else { return ("lease free", .muted) }
        let left = TextFormat.duration(lease.expires.timeIntervalSince(model.now))
        return ("lease \(lease.holder) \(model.glyphs.separator) \(left) left", .running)
    }

    static func drawCard(_ buffer: inout CellBuffer, _ rect: Rect, name: String, model: ConsoleModel, theme: Theme,
                         selected: Bool, focused: Bool) {
        guard !rect.isEmpty else { return }
        let glyphs = model.glyphs
        let base = selected ? (focused ? theme[.selected] : theme[.text].adding(.bold)) : theme[.text].adding(.bold)
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", style: base))
        var x = rect.x
        x += buffer.put(selected ? glyphs.selected + " " : "  ", x: x, y: rect.y, style: base)
        let head = headline(name, model: model)
        var status = head.icon + " " + head.text
        // Progress goes before the words when the card is narrow.
        if CharacterWidth.of(status) > rect.width - CharacterWidth.of(name) - 5 {
            status = head.icon + " " + head.words
        }
        let nameWidth = min(CharacterWidth.of(name), max(4, rect.width - 4 - CharacterWidth.of(head.icon)))
        x += buffer.put(TextFormat.fit(name, nameWidth, ellipsis: glyphs.ellipsis), x: x, y: rect.y, style: base)
        let room = rect.maxX - x - 2
        let shown = CharacterWidth.of(status) <= room ? status : TextFormat.fit(status, room, ellipsis: glyphs.ellipsis)
        if room > 2 {
            buffer.put(shown, x: rect.maxX - CharacterWidth.of(shown) - 1, y: rect.y,
                       style: selected && focused ? base : theme[head.role].adding(.bold))
        }
        var y = rect.y + 1
        func line(_ text: String, _ role: ThemeRole) {
            guard y < rect.maxY else { return }
            buffer.put(TextFormat.fit(text, rect.width - 3, ellipsis: glyphs.ellipsis), x: rect.x + 2, y: y, style: theme[role])
            y += 1
        }
        let live = liveLine(name, model: model)
        line(live.0, live.1)
        line(goodLine(name, model: model), .muted)
        let lease = leaseLine(name, model: model)
        line(lease.0, lease.1)
        // A replay shows what the log holds; live samples are not in it.
        let plans = model.ui.travel == nil ? model.policies[name]?.metrics ?? [] : []
        let nameColumn = min(max(plans.map { CharacterWidth.of($0.name) }.max() ?? 0, 4), 14)
        for plan in plans where y < rect.maxY {
            let series = model.live.series(name, plan: plan)
            var cx = rect.x + 2
            cx += buffer.put(TextFormat.pad(plan.name, nameColumn, ellipsis: glyphs.ellipsis) + " ", x: cx, y: y, style: theme[.text])
            guard let latest = series.latest else {
                buffer.put("no samples yet", x: cx, y: y, style: theme[.muted], maxWidth: rect.maxX - cx - 1)
                y += 1
                continue
            }
            let value = series.unit.format(latest)
            let spark = MetricsPanel.sparkline(series)
            let band = MetricsPanel.band(series, spark)
            let bars = rect.maxX - cx - CharacterWidth.of(value) - 2
            if bars >= 4 {
                cx += spark.draw(&buffer, x: cx, y: y, width: bars, theme: theme, glyphs: glyphs) + 1
            }
            buffer.put(value, x: cx, y: y, style: theme[band.role], maxWidth: rect.maxX - cx)
            y += 1
        }
    }

    /// One line: `▶ ✓ production 1.9.0 5/5`, or with the deploy in progress `● production 1.9.0 → 2.0.0`.
    static func drawLine(_ buffer: inout CellBuffer, _ rect: Rect, name: String, model: ConsoleModel, theme: Theme,
                         selected: Bool, focused: Bool) {
        let glyphs = model.glyphs
        let y = rect.y
        let base = selected ? (focused ? theme[.selected] : theme[.text].adding(.bold)) : theme[.text]
        buffer.fill(rect, with: Cell(" ", style: base))
        var x = rect.x
        x += buffer.put(selected ? glyphs.selected : " ", x: x, y: y, style: base)
        let head = headline(name, model: model)
        x += buffer.put(head.icon + " ", x: x, y: y, style: selected && focused ? base : theme[head.role])
        let env = model.state.environments[name]
        let live = env?.live.map { $0.version.isEmpty ? $0.image : $0.version }
        // The name first, then as much as fits, most important first: the live version, the
        // version on its way, drift, pods.
        var parts = [live ?? "-"]
        if let deploy = env?.activeDeploy.flatMap({ model.state.deploys[$0] }), !deploy.status.isFinished, deploy.version != live {
            parts.append("→ " + deploy.version)
        }
        if env?.drift != nil { parts.append("drift") }
        if let pods = podCounts(name, model: model) { parts.append("\(pods.ready)/\(pods.desired)") }
        let nameWidth = min(CharacterWidth.of(name), max(4, rect.maxX - x - 1 - CharacterWidth.of(parts[0]) - 1))
        x += buffer.put(TextFormat.fit(name, nameWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: base)
        var detail = ""
        for part in parts {
            let next = detail.isEmpty ? glyphs.adapt(part) : detail + " " + glyphs.adapt(part)
            if CharacterWidth.of(next) > rect.maxX - x, !detail.isEmpty { break }
            detail = next
        }
        buffer.put(TextFormat.fit(detail, rect.maxX - x, ellipsis: glyphs.ellipsis), x: x, y: y,
                   style: env?.drift != nil && !(selected && focused) ? theme[.critical] : base)
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
