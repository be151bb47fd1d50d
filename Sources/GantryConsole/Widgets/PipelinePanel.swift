import GantryCore

/// The selected deploy's stages: state icon, id, what runs (progress, gate blockers, failure), duration.
public enum PipelinePanel {
    public static func title(_ model: ConsoleModel) -> String {
        guard let deploy = model.selectedDeploy else {
            return Panel.pipeline.title + (model.selectedEnvironment.map { " · \($0)" } ?? "")
        }
        return "\(Panel.pipeline.title) · \(deploy.environment) \(deploy.version) (\(deploy.policy.strategy)) · \(deploy.status.rawValue) · by \(deploy.requestedBy)"
    }

    /// `3/5 pods ready`, or `canary 25% (step 1/4)` when the label is a percentage.
    public static func progressText(_ progress: StageProgress) -> String {
        // A canary step: "canary 40% · step 2/3".
        if progress.label.contains("%") { return "\(progress.label) · step \(progress.done)/\(progress.total)" }
        // A verification window counts seconds.
        if progress.label == "verifying" { return "verifying \(progress.done)s of \(progress.total)s" }
        return "\(progress.done)/\(progress.total)" + (progress.label.isEmpty ? "" : " \(progress.label)")
    }

    public static func draw(_ buffer: inout CellBuffer, _ rect: Rect, model: ConsoleModel, theme: Theme, focused: Bool) {
        let glyphs = model.glyphs
        let inner = Box.draw(&buffer, rect, title: title(model), focused: focused, theme: theme, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        guard let deploy = model.selectedDeploy else {
            drawPlan(&buffer, inner, model: model, theme: theme)
            return
        }
        let selected = model.selectedStageIndex ?? 0
        let first = max(0, selected - inner.height + 1)
        let idWidth = min(max(deploy.stages.map { CharacterWidth.of($0.id) }.max() ?? 0, 5), 20)
        let gates = Dictionary(deploy.gateStatuses.map { ($0.gate, $0.status) }, uniquingKeysWith: { a, _ in a })
        for (row, index) in (first..<deploy.stages.count).prefix(inner.height).enumerated() {
            let stage = deploy.stages[index]
            let y = inner.y + row
            let isSelected = index == selected
            let line = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            let base = isSelected && focused ? theme[.selected] : theme[.text]
            buffer.fill(line, with: Cell(" ", style: base))
            var x = inner.x
            x += buffer.put(isSelected ? glyphs.selected : " ", x: x, y: y, style: base)
            let iconRole: ThemeRole = switch stage.status {
            case .succeeded: .ok
            case .failed: .critical
            case .running: .running
            case .cancelled, .skipped: .warn
            case .pending, .queued: .pending
            }
            x += buffer.put(glyphs.icon(stage.status) + " ", x: x, y: y, style: isSelected && focused ? base : theme[iconRole])
            x += buffer.put(TextFormat.pad(stage.id, idWidth, ellipsis: glyphs.ellipsis) + "  ", x: x, y: y,
                            style: isSelected && focused ? base : base.adding(stage.status == .running ? .bold : []),
                            maxWidth: inner.maxX - x)
            let duration = stage.duration(now: model.now).map { TextFormat.duration($0) } ?? ""
            let durationWidth = CharacterWidth.of(duration)
            let detailRoom = inner.maxX - x - (durationWidth > 0 ? durationWidth + 2 : 0)
            let (detail, role) = detailText(stage, gate: gates[stage.id], deploy: deploy, glyphs: glyphs)
            if detailRoom > 0 {
                buffer.put(TextFormat.fit(detail, detailRoom, ellipsis: glyphs.ellipsis), x: x, y: y,
                           style: isSelected && focused ? base : theme[role])
                if let progress = stage.progress, stage.status == .running, progress.total > 0 {
                    let used = CharacterWidth.of(TextFormat.fit(detail, detailRoom, ellipsis: glyphs.ellipsis))
                    let barWidth = min(20, detailRoom - used - 2)
                    if barWidth >= 5 {
                        let filled = min(barWidth, barWidth * max(0, progress.done) / progress.total)
                        let bar = String(repeating: glyphs.bars[7], count: filled)
                            + String(repeating: glyphs.bars[0], count: barWidth - filled)
                        buffer.put(bar, x: x + used + 2, y: y, style: isSelected && focused ? base : theme[.running])
                    }
                }
            }
            if durationWidth > 0 {
                buffer.put(duration, x: inner.maxX - durationWidth, y: y, style: isSelected && focused ? base : theme[.muted])
            }
        }
    }

    /// Before the first deploy: what a deploy here would run and wait for (from the pipeline
    /// file), so nobody learns at the gate that it needs 8 ticks and an approval.
    static func drawPlan(_ buffer: inout CellBuffer, _ inner: Rect, model: ConsoleModel, theme: Theme) {
        let glyphs = model.glyphs
        let policy = model.selectedEnvironment.flatMap { model.policies[$0] }
        buffer.put("no deploy yet" + (model.readOnly ? "" : " — press d to deploy a version") + (policy == nil ? "" : "; a deploy runs:"),
                   x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 1)
        guard let policy else { return }
        let idWidth = min(max(policy.stages.map { CharacterWidth.of($0.id) }.max() ?? 0, 5), 20)
        for (offset, stage) in policy.stages.enumerated() {
            let y = inner.y + 1 + offset
            guard y < inner.maxY else { break }
            var x = inner.x + 1
            x += buffer.put(glyphs.pending + " ", x: x, y: y, style: theme[.pending])
            x += buffer.put(TextFormat.pad(stage.id, idWidth, ellipsis: glyphs.ellipsis) + "  ", x: x, y: y, style: theme[.text])
            let needs = stage.gate.map { requirementText($0, policy: policy) }
            let text = needs.isEmpty ? stage.summary : "waits for " + needs.joined(separator: " and ")
            buffer.put(TextFormat.fit(glyphs.adapt(text), inner.maxX - x, ellipsis: glyphs.ellipsis), x: x, y: y,
                       style: theme[needs.isEmpty ? .muted : .warn])
        }
    }

    /// `the pre-deploy checklist (8 items)`, `1 approval from alice, bob`.
    static func requirementText(_ requirement: GateRequirement, policy: DeployPolicy) -> String {
        switch requirement {
        case .checklist(let id):
            let count = policy.checklists.first { $0.id == id }?.items.count ?? 0
            return "the \(id) checklist (\(count) item\(count == 1 ? "" : "s"))"
        case .approvals(let scope):
            guard let rule = policy.approvals.first(where: { $0.scope == scope }) else { return "approvals for \(scope)" }
            let from = rule.allowed.isEmpty ? "" : " from \(rule.allowed.joined(separator: ", "))"
            return "\(rule.required) approval\(rule.required == 1 ? "" : "s")\(from)"
        }
    }

    /// What a stage row says after its id.
    static func detailText(_ stage: StageState, gate: GateStatus?, deploy: DeployState, glyphs: Glyphs) -> (String, ThemeRole) {
        switch stage.status {
        case .running:
            if let progress = stage.progress { return (progressText(progress), .running) }
            return (stage.summary.isEmpty ? "running" : stage.summary, .running)
        case .failed: return ("failed: " + stage.reason, .critical)
        case .skipped: return ("skipped: " + stage.reason, .warn)
        case .cancelled: return ("cancelled: " + stage.reason, .warn)
        case .succeeded:
            if let override = deploy.overrides[stage.id] { return ("overridden by \(override.by): \(override.reason)", .warn) }
            return (stage.summary, .muted)
        case .pending, .queued:
            if let gate, !deploy.status.isFinished {
                if gate.isOpen { return (glyphs.adapt("gate open ✓"), .ok) }
                return (glyphs.adapt("waiting: " + gate.blockers.joined(separator: "; ")), .warn)
            }
            return (stage.summary, .pending)
        }
    }
}
