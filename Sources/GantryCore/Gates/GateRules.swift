/// The rules that decide whether a gate may open. Pure: evaluated on folded state.
public enum GateRules {
    /// Evaluates the gate stage `gate` of `deploy`.
    public static func evaluate(gate: String, in deploy: DeployState) -> GateStatus {
        let requirements = deploy.policy.stages.first { $0.id == gate }?.gate ?? []
        var status = evaluate(requirements, in: deploy)
        if let override = deploy.overrides[gate] {
            status.isOpen = true
            status.override = override
        }
        return status
    }

    /// Evaluates a list of requirements against `deploy`.
    public static func evaluate(_ requirements: [GateRequirement], in deploy: DeployState) -> GateStatus {
        var blockers: [String] = []
        for requirement in requirements {
            switch requirement {
            case .checklist(let id):
                if let blocker = checklistBlocker(id, in: deploy) { blockers.append(blocker) }
            case .approvals(let scope):
                if let blocker = approvalBlocker(scope, in: deploy) { blockers.append(blocker) }
            }
        }
        return GateStatus(isOpen: blockers.isEmpty, blockers: blockers)
    }

    /// The approvals of `scope` that count, in the order given.
    public static func countedApprovers(_ scope: String, in deploy: DeployState) -> [String] {
        guard let policy = deploy.policy.approvals.first(where: { $0.scope == scope }) else { return [] }
        var seen: Set<String> = []
        return deploy.approvals.compactMap { approval in
            guard approval.scope == scope, !seen.contains(approval.by) else { return nil }
            guard policy.allowed.isEmpty || policy.allowed.contains(approval.by) else { return nil }
            guard policy.allowSelf || approval.by != deploy.requestedBy else { return nil }
            seen.insert(approval.by)
            return approval.by
        }
    }

    static func approvalBlocker(_ scope: String, in deploy: DeployState) -> String? {
        guard let policy = deploy.policy.approvals.first(where: { $0.scope == scope }) else {
            return "no approval rules for '\(scope)'"
        }
        let counted = countedApprovers(scope, in: deploy)
        let missing = policy.required - counted.count
        guard missing > 0 else { return nil }
        let noun = missing == 1 ? "approval" : "approvals"
        let more = counted.isEmpty ? "" : " more"
        var text = "waiting for \(missing)\(more) \(noun)"
        if !counted.isEmpty { text += " (" + counted.map { "\($0) ✓" }.joined(separator: ", ") + ")" }
        let ignored = deploy.approvals.filter { $0.scope == scope && !counted.contains($0.by) }.map(\.by)
        if !ignored.isEmpty { text += "; not counted: " + ignored.map { ignoredReason($0, policy, deploy) }.joined(separator: ", ") }
        return text
    }

    private static func ignoredReason(_ name: String, _ policy: ApprovalRule, _ deploy: DeployState) -> String {
        if !policy.allowSelf && name == deploy.requestedBy { return "\(name) (self-approval)" }
        return "\(name) (not an approver)"
    }

    static func checklistBlocker(_ id: String, in deploy: DeployState) -> String? {
        guard let list = deploy.checklist(id) else { return "checklist '\(id)' is missing" }
        let missing = list.missing
        guard !missing.isEmpty else { return nil }
        let names = missing.map { item in
            if item.done && item.spec.evidenceRequired { return "\(item.spec.id) (evidence missing)" }
            if item.verificationFailed { return "\(item.spec.id) (verify failed)" }
            return item.spec.id
        }
        return "checklist \(id): \(missing.count) of \(list.items.count) left (\(names.joined(separator: ", ")))"
    }
}

extension DeployState {
    /// The status of every gate stage, in pipeline order.
    public var gateStatuses: [(gate: String, status: GateStatus)] {
        policy.stages.filter { !$0.gate.isEmpty }.map { ($0.id, GateRules.evaluate(gate: $0.id, in: self)) }
    }
}
