import Foundation

/// Checks what refers to what: stage ids and `needs` (including cycles), environments named by
/// deploy, monitor, gate and `requires`, checklists named by gates, one deploy stage per
/// environment, and a gate for every environment that needs approvals.
struct PipelineValidator {
    let sink: DiagnosticSink
    let references: References

    func validate() {
        let stages = uniqueStages()
        let environments = references.environments.map(\.name)
        let checklists = references.checklists.map(\.name)
        let stageIDs = stages.map(\.id.name)
        let knownEnvironments = Set(environments), knownChecklists = Set(checklists), knownStages = Set(stageIDs)
        var graphComplete = true
        for stage in references.stages {
            let name = "stage '\(Quote.clip(stage.id.name.isEmpty ? "?" : stage.id.name))'"
            for need in stage.needs where need.name != stage.id.name && !knownStages.contains(need.name) {
                unknown(need, "\(name) needs unknown stage", among: stageIDs)
                graphComplete = false
            }
            if let target = stage.deploys, !knownEnvironments.contains(target.name) {
                unknown(target, "\(name) deploys to unknown environment", among: environments)
            }
            if let target = stage.monitors, !knownEnvironments.contains(target.name) {
                unknown(target, "\(name) monitors unknown environment", among: environments)
            }
            for target in stage.gateChecklists where !knownChecklists.contains(target.name) {
                unknown(target, "gate \(name) waits for unknown checklist", among: checklists)
            }
            for target in stage.gateApprovals where !knownEnvironments.contains(target.name) {
                unknown(target, "gate \(name) waits for approvals of unknown environment", among: environments)
            }
        }
        for (environment, target) in references.requires {
            if target.name == environment {
                sink.error("environment '\(Quote.clip(environment))' cannot require itself", at: target.position, path: target.path)
            } else if !knownEnvironments.contains(target.name) {
                unknown(target, "environment '\(Quote.clip(environment))' requires unknown environment", among: environments)
            }
        }
        let cycles = StageGraph(stages: stages).cycles()
        for cycle in cycles {
            let names = (cycle.stages + [cycle.stages[0]]).map { "'\(Quote.clip($0))'" }.joined(separator: " -> ")
            sink.error("'needs' forms a cycle: stage \(names)", at: cycle.at.position, path: cycle.at.path)
        }
        checkRequiresCycles()
        checkDeploys(stages)
        if graphComplete, cycles.isEmpty { checkApprovalGates(stages) }
    }

    // MARK: - Helpers

    private func unknown(_ reference: Reference, _ message: String, among names: [String]) {
        var text = "\(message) '\(Quote.clip(reference.name))'"
        if let near = Suggest.nearest(reference.name, among: names) {
            text += ", did you mean '\(near)'?"
        } else if names.isEmpty {
            text += " (none are defined)"
        } else {
            text += "; defined: \(names.map(Quote.clip).joined(separator: ", "))"
        }
        sink.error(text, at: reference.position, path: reference.path)
    }

    /// Stages with a valid, unique id; reports the repeats.
    private func uniqueStages() -> [References.Stage] {
        var firstAt: [String: Position] = [:]
        var result: [References.Stage] = []
        for stage in references.stages where !stage.id.name.isEmpty {
            if let first = firstAt[stage.id.name] {
                sink.error("duplicate stage id '\(Quote.clip(stage.id.name))' (first defined at \(sink.original(first)))",
                           at: stage.id.position, path: stage.id.path)
                continue
            }
            firstAt[stage.id.name] = stage.id.position
            result.append(stage)
        }
        return result
    }

    /// `requires:` must not loop: no version could ever be deployed to those environments.
    private func checkRequiresCycles() {
        let nodes = references.environments.map { environment in
            References.Stage(id: environment, needs: references.requires
                .filter { $0.environment == environment.name }.map(\.reference))
        }
        for cycle in StageGraph(stages: nodes).cycles() where cycle.stages.count > 1 {
            let names = (cycle.stages + [cycle.stages[0]]).map { "'\(Quote.clip($0))'" }.joined(separator: " -> ")
            sink.error("'requires' forms a cycle: environment \(names)", at: cycle.at.position, path: cycle.at.path)
        }
    }

    /// One deploy stage per environment.
    private func checkDeploys(_ stages: [References.Stage]) {
        var deployedBy: [String: References.Stage] = [:]
        for stage in stages {
            guard let target = stage.deploys else { continue }
            if let first = deployedBy[target.name] {
                sink.error("environment '\(Quote.clip(target.name))' is already deployed by stage "
                    + "'\(Quote.clip(first.id.name))'; use one deploy stage per environment",
                    at: target.position, path: target.path)
            } else {
                deployedBy[target.name] = stage
            }
        }
    }

    /// An environment that needs approvals must have a gate with `approvals:ENV` before its deploy stage.
    private func checkApprovalGates(_ stages: [References.Stage]) {
        let graph = StageGraph(stages: stages)
        for (environment, required, _) in references.approvals {
            guard let deploy = stages.first(where: { $0.deploys?.name == environment }),
                  let target = deploy.deploys else { continue }
            let gated = graph.ancestors(of: deploy.id.name).contains { ancestor in
                stages.first { $0.id.name == ancestor }?.gateApprovals.contains { $0.name == environment } ?? false
            }
            if !gated {
                sink.error("stage '\(Quote.clip(deploy.id.name))' deploys to '\(Quote.clip(environment))', which needs "
                    + "\(required) approval(s), but no gate with 'approvals:\(Quote.clip(environment))' comes before it",
                    at: target.position, path: target.path)
            }
        }
    }
}
