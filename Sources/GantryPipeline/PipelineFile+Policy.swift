import GantryCore

extension PipelineFile {
    /// The rules a deploy to `environment` runs under, frozen into its `deploy.requested` event:
    /// the stages it runs (in order), the checklists its gates name, their approval rules, and
    /// the metrics with their warn/critical thresholds (so the console shows them from the start).
    /// Nil when no stage deploys to `environment`.
    public func deployPolicy(for environment: String) -> DeployPolicy? {
        guard let target = self.environment(environment) else { return nil }
        let planned = stages(forDeployTo: environment)
        guard !planned.isEmpty else { return nil }
        var checklistNames: [String] = []
        var approvalScopes: [String] = []
        let plans = planned.map { stage -> StagePlan in
            var requirements: [GateRequirement] = []
            if case .gate(let conditions) = stage.kind {
                for condition in conditions {
                    switch condition {
                    case .checklist(let name):
                        requirements.append(.checklist(name))
                        if !checklistNames.contains(name) { checklistNames.append(name) }
                    case .approvals(let scope):
                        requirements.append(.approvals(scope))
                        if !approvalScopes.contains(scope) { approvalScopes.append(scope) }
                    }
                }
            }
            var deploysTo: String?
            if case .deploy(let name) = stage.kind { deploysTo = name }
            return StagePlan(id: stage.id, summary: summary(of: stage), needs: stage.needs, gate: requirements,
                             environment: deploysTo)
        }
        let lists = checklistNames.compactMap(checklist).map { list in
            ChecklistPlan(id: list.name, items: list.items.map { item in
                ChecklistItemPlan(id: item.id, text: item.text.raw, verify: item.verify?.map(\.raw) ?? [],
                                  evidenceRequired: item.evidence == .required)
            })
        }
        let rules = approvalScopes.compactMap { self.environment($0) }.map { env in
            ApprovalRule(scope: env.name, required: env.approvals.required, allowed: env.approvals.from,
                         allowSelf: env.approvals.allowSelf)
        }
        let metricPlans = metrics.map { metric in
            MetricPlan(name: metric.name, warn: metric.warn, critical: metric.critical,
                       lowerIsWorse: metric.direction == .lowerIsWorse, unit: metric.unit)
        }
        return DeployPolicy(strategy: target.strategy.name, stages: plans, checklists: lists, approvals: rules,
                            metrics: metricPlans, pipelineFile: sourceFile, pipelineSource: source)
    }

    /// What a stage does, in a few words: `docker build`, `deploy production (canary)`, `monitor production 30m`.
    func summary(of stage: StageSpec) -> String {
        switch stage.kind {
        case .deploy(let name):
            return "deploy \(name) (\(self.environment(name)?.strategy.name ?? "?"))"
        case .monitor(let name, let seconds):
            return "monitor \(name) \(seconds >= 60 && seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s")"
        case .gate(let conditions):
            return "gate: " + conditions.map(\.description).joined(separator: ", ")
        case .run(let argv):
            return ShellQuote.join(argv.map(\.raw))
        case .dockerBuild, .dockerPush, .dockerRun:
            return stage.kind.name
        }
    }
}
