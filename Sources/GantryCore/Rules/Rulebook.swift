import Foundation

/// Every rule about what may happen — who may approve, when a deploy may start, what a rollback
/// or a cancel may touch — in one pure function. Given the folded state and a command, it returns
/// the events to append (with the stream versions they rely on) or a refusal sentence.
///
/// The console, every CLI command and the executor go through it; replaying the events it
/// returned can never fail, because the rules were checked before they were recorded.
public enum Rulebook {
    public static func decide(_ command: Command, state: GantryState, context: DecisionContext) -> Result<Decision, Refusal> {
        do {
            switch command {
            case .deploy(let environment, let version, let policy, let requires):
                return .success(try deploy(environment, version, policy, requires, state, context))
            case .approve(let environment, let comment):
                return .success(try approve(environment, comment, state, context))
            case .tick(let environment, let checklist, let item, let note):
                return .success(try tick(environment, checklist, item, note, done: true, state, context))
            case .untick(let environment, let checklist, let item, let note):
                return .success(try tick(environment, checklist, item, note, done: false, state, context))
            case .rollback(let environment, let reason):
                return .success(try rollback(environment, reason, state, context))
            case .override(let environment, let gate, let reason):
                return .success(try override(environment, gate, reason, state, context))
            case .cancel(let environment, let reason):
                return .success(try cancel(environment, reason, state, context))
            }
        } catch let refusal as Refusal {
            return .failure(refusal)
        } catch {
            return .failure(Refusal("\(error)"))
        }
    }

    // MARK: - Deploy

    static func deploy(_ environment: String, _ version: String, _ policy: DeployPolicy, _ requires: [String],
                       _ state: GantryState, _ context: DecisionContext) throws -> Decision {
        if let problem = NameRules.versionProblem(version) {
            throw Refusal("version '\(SafeText.sanitize(version))' is refused: \(problem)")
        }
        let env = state.environments[environment] ?? EnvironmentState(name: environment)
        if let lease = env.lease, context.leaseIsLive(lease, context.now) {
            throw Refusal("\(environment) is being deployed by \(lease.holder) (lease renewed \(ago(lease.acquiredAt, context.now)) "
                + "ago, expires in \(seconds(lease.expires.timeIntervalSince(context.now)))); wait for it to finish, "
                + "or stop it with `gantry cancel \(environment)`")
        }
        if let active = env.activeDeploy, let deploy = state.deploys[active], !deploy.status.isFinished {
            throw Refusal("\(environment) already has a deploy in progress: \(active) (\(deploy.version), \(deploy.status.rawValue), "
                + "requested by \(deploy.requestedBy) \(ago(deploy.requestedAt, context.now)) ago); wait for it, "
                + "cancel it (`gantry cancel \(environment)`) or roll it back (`gantry rollback \(environment)`)")
        }
        let onTheWay = Set(policy.stages.compactMap(\.environment))
        for required in requires where !onTheWay.contains(required) {
            let there = state.environments[required]
            if there?.knownGood.contains(version) == true { continue }
            let rolledBack = there?.deploys.reversed().compactMap { state.deploys[$0] }
                .first { $0.version == version && $0.rollback?.succeeded == true }
            if let rolledBack {
                throw Refusal("\(version) was rolled back on \(required) (\(rolledBack.id)); \(environment) requires a version "
                    + "that succeeded there and stayed: deploy a fixed version to \(required) first")
            }
            throw Refusal("\(version) has not succeeded on \(required) yet; \(environment) requires it "
                + "(`requires: [\(required)]`): deploy it to \(required) first")
        }
        let id = DeployID("\(environment)-\(version)-\(env.deploys.count + 1)")
        let stream = DeployID.environment(environment)
        return Decision(
            events: [PendingEvent(time: context.now, actor: context.actor, deploy: id,
                                  payload: .deployRequested(environment: environment, version: version, policy: policy)),
                     PendingEvent(time: context.now, actor: context.actor, deploy: stream,
                                  payload: .environmentClaimed(environment: environment, deploy: id, version: version))],
            expectations: [id: .noStream, stream: .at(env.streamVersion)],
            deploy: id, summary: "deploy \(id) requested by \(context.actor)")
    }

    // MARK: - Approvals and checklists

    static func approve(_ environment: String, _ comment: String, _ state: GantryState,
                        _ context: DecisionContext) throws -> Decision {
        let deploy = try awaitingApproval(environment, state)
        let scopes = deploy.policy.stages.flatMap(\.gate).compactMap { requirement -> String? in
            if case .approvals(let scope) = requirement { return scope }
            return nil
        }
        guard let scope = scopes.first(where: { $0 == environment }) ?? scopes.first else {
            throw Refusal("\(deploy.id) (\(deploy.version) to \(deploy.environment)) needs no approval")
        }
        guard let rule = deploy.policy.approvals.first(where: { $0.scope == scope }) else {
            throw Refusal("\(deploy.id) has no approval rules for '\(scope)'")
        }
        if let given = deploy.approvals.first(where: { $0.scope == scope && $0.by == context.actor }) {
            throw Refusal("\(context.actor) already approved \(deploy.id) for \(scope) \(ago(given.at, context.now)) ago")
        }
        if !rule.allowed.isEmpty, !rule.allowed.contains(context.actor) {
            throw Refusal("\(context.actor) may not approve \(scope) (approvers: \(rule.allowed.joined(separator: ", ")))")
        }
        if !rule.allowSelf, deploy.requestedBy == context.actor {
            throw Refusal("\(context.actor) requested \(deploy.id); self-approval is off for \(scope): "
                + "another approver (\(rule.allowed.filter { $0 != context.actor }.joined(separator: ", "))) must approve")
        }
        let counted = GateRules.countedApprovers(scope, in: deploy)
        if counted.count >= rule.required {
            throw Refusal("\(deploy.id) already has the \(rule.required) approval\(rule.required == 1 ? "" : "s") \(scope) needs "
                + "(\(counted.joined(separator: ", ")))")
        }
        return Decision(
            events: [PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id,
                                  payload: .approvalGiven(scope: scope, comment: comment))],
            expectations: [deploy.id: .at(deploy.streamVersion)],
            deploy: deploy.id, summary: "approved \(deploy.id) (\(deploy.version)) for \(scope) as \(context.actor)")
    }

    static func tick(_ environment: String, _ checklist: String?, _ item: String, _ note: String, done: Bool,
                     _ state: GantryState, _ context: DecisionContext) throws -> Decision {
        let deploy = try awaitingApproval(environment, state)
        let matches = deploy.checklists.flatMap { list in
            list.items.filter { $0.spec.id == item && (checklist == nil || checklist == list.id) }.map { (list.id, $0) }
        }
        guard let (list, found) = matches.first, matches.count == 1 else {
            let known = deploy.checklists.flatMap { list in list.items.map { "\(list.id)/\($0.spec.id)" } }
            let name = (checklist.map { "\($0)/" } ?? "") + item
            throw Refusal("\(matches.isEmpty ? "no" : "more than one") checklist item '\(SafeText.sanitize(name))' in "
                + "\(deploy.id)" + (known.isEmpty ? " (it has no checklist)" : "; items: \(known.joined(separator: ", "))"))
        }
        let id = found.spec.id
        if found.spec.isAutomatic {
            throw Refusal("\(list)/\(id) is verified by its command (\(ShellQuote.join(found.spec.verify))), not by hand")
        }
        if done {
            if found.done { throw Refusal("\(list)/\(id) is already ticked by \(found.by)") }
            if found.spec.evidenceRequired, note.trimmingCharacters(in: .whitespaces).isEmpty {
                throw Refusal("\(list)/\(id) needs evidence (e.g. a snapshot id or a link): give it as the note")
            }
        } else if !found.done {
            throw Refusal("\(list)/\(id) is not ticked")
        }
        let payload: EventPayload = done ? .checklistItemTicked(checklist: list, item: id, note: note)
            : .checklistItemUnticked(checklist: list, item: id, note: note)
        return Decision(
            events: [PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id, payload: payload)],
            expectations: [deploy.id: .at(deploy.streamVersion)],
            deploy: deploy.id, summary: "\(done ? "ticked" : "unticked") \(list)/\(id) of \(deploy.id) as \(context.actor)")
    }

    /// The unfinished deploy to `environment`, else the unfinished deploy whose gate needs
    /// `environment`'s approvals (staging's deploy may wait on production's approvers).
    static func awaitingApproval(_ environment: String, _ state: GantryState) throws -> DeployState {
        let open = state.deploys.filter { !$0.status.isFinished }
        if let direct = open.last(where: { $0.environment == environment }) { return direct }
        if let gated = open.last(where: { $0.policy.approvals.contains { $0.scope == environment } }) { return gated }
        throw Refusal("no deploy to \(SafeText.sanitize(environment)) is in progress; `gantry history` lists past ones")
    }

    // MARK: - Rollback, override, cancel

    static func rollback(_ environment: String, _ reason: String, _ state: GantryState,
                         _ context: DecisionContext) throws -> Decision {
        guard let deploy = deployToRollBack(environment, state) else {
            throw Refusal("nothing to roll back: no deploy to \(SafeText.sanitize(environment)) yet")
        }
        if let rollback = deploy.rollback {
            if rollback.succeeded == true {
                let target = rollback.targetVersion.isEmpty ? "" : " to \(rollback.targetVersion)"
                throw Refusal("\(deploy.id) was already rolled back\(target) by \(rollback.requestedBy); there is nothing newer "
                    + "on \(environment) to undo")
            }
            if rollback.succeeded == nil {
                throw Refusal("\(deploy.id) is already being rolled back (asked by \(rollback.requestedBy) "
                    + "\(ago(rollback.requestedAt, context.now)) ago)")
            }
        }
        let steps = RollbackPlan.steps(of: deploy, in: state)
        guard steps.contains(where: { $0.environment == environment }) else {
            if deploy.status == .cancelled { throw Refusal("\(deploy.id) was cancelled before it changed \(environment); nothing to roll back") }
            let waiting = deploy.stages.first { !$0.status.isFinished }.map { " (it is at \($0.id))" } ?? ""
            throw Refusal("\(deploy.id) has not changed \(environment) yet\(waiting): there is nothing to roll back; "
                + "stop it with `gantry cancel \(deploy.environment)`")
        }
        if let other = steps.first(where: { $0.environment != environment }), deploy.environment != environment {
            throw Refusal("\(environment) runs \(deploy.version) from \(deploy.id), which also changed \(other.environment); "
                + "`gantry rollback \(deploy.environment)` rolls back both (\(steps.map(\.text).joined(separator: "; ")))")
        }
        return Decision(
            events: [PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id,
                                  payload: .rollbackRequested(reason: reason))],
            expectations: [deploy.id: .at(deploy.streamVersion)],
            deploy: deploy.id,
            summary: "rollback of \(deploy.id) (\(steps.map(\.text).joined(separator: "; "))) requested by \(context.actor)")
    }

    /// The deploy whose change a rollback of `environment` undoes: the one in progress there,
    /// else the one that put the live version there (perhaps a stage of another environment's
    /// deploy), else the latest to it.
    public static func deployToRollBack(_ environment: String, _ state: GantryState) -> DeployState? {
        let env = state.environments[environment]
        if let active = env?.activeDeploy, let deploy = state.deploys[active], !deploy.status.isFinished { return deploy }
        if let by = env?.liveBy, let deploy = state.deploys[by] { return deploy }
        return state.latestDeploy(in: environment)
    }

    static func override(_ environment: String, _ gate: String?, _ reason: String, _ state: GantryState,
                         _ context: DecisionContext) throws -> Decision {
        let deploy = try awaitingApproval(environment, state)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw Refusal("an override needs a reason for the audit trail, e.g. --reason \"sev1: checkout down, fix verified by hand\"")
        }
        let closed = deploy.gateStatuses.filter { !deploy.openedGates.contains($0.gate) }.map(\.gate)
        let chosen: String
        if let gate {
            guard deploy.policy.stages.contains(where: { $0.id == gate && !$0.gate.isEmpty }) else {
                throw Refusal("\(deploy.id) has no gate '\(SafeText.sanitize(gate))'"
                    + (closed.isEmpty ? "" : "; closed gates: \(closed.joined(separator: ", "))"))
            }
            guard closed.contains(gate) else { throw Refusal("gate \(gate) of \(deploy.id) is already open") }
            chosen = gate
        } else {
            guard let only = closed.first else { throw Refusal("\(deploy.id) has no closed gate to override") }
            guard closed.count == 1 else {
                throw Refusal("\(deploy.id) has \(closed.count) closed gates (\(closed.joined(separator: ", "))): name the one to override")
            }
            chosen = only
        }
        return Decision(
            events: [PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id,
                                  payload: .gateOpened(gate: chosen, overrideReason: reason))],
            expectations: [deploy.id: .at(deploy.streamVersion)],
            deploy: deploy.id, summary: "OVERRODE gate \(chosen) of \(deploy.id) as \(context.actor): \(reason)")
    }

    static func cancel(_ environment: String, _ reason: String, _ state: GantryState,
                       _ context: DecisionContext) throws -> Decision {
        guard let active = state.environments[environment]?.activeDeploy ?? state.latestDeploy(in: environment)?.id,
              let deploy = state.deploys[active], !deploy.status.isFinished else {
            throw Refusal("no deploy to \(SafeText.sanitize(environment)) is in progress: nothing to cancel")
        }
        if deploy.status == .rollingBack {
            throw Refusal("\(deploy.id) is rolling back; a rollback is not cancelled (it restores the known-good version)")
        }
        if let asked = deploy.cancelRequest {
            throw Refusal("\(deploy.id) is already being cancelled (asked by \(asked.by) \(ago(asked.at, context.now)) ago)")
        }
        var events = [PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id,
                                   payload: .cancelRequested(reason: reason))]
        let lease = state.environments[environment]?.lease
        let running = lease.map { context.leaseIsLive($0, context.now) } ?? false
        if !running {
            // No executor runs it: nobody else will end it. The cluster stays as it was left.
            let done = deploy.stages.filter { $0.status == .succeeded }.map(\.id)
            let why = reason.isEmpty ? "" : ": \(reason)"
            events.append(PendingEvent(time: context.now, actor: context.actor, deploy: deploy.id, payload: .deployFinished(
                outcome: .cancelled,
                reason: "cancelled by \(context.actor)\(why); no executor was running it, "
                    + "\(environment) is left as \(done.isEmpty ? "it was" : "its last completed stage (\(done.last!)) left it")")))
        }
        return Decision(events: events, expectations: [deploy.id: .at(deploy.streamVersion)], deploy: deploy.id,
                        summary: running ? "cancel of \(deploy.id) requested by \(context.actor); \(lease!.holder) stops it now"
                            : "\(deploy.id) cancelled by \(context.actor)")
    }

    // MARK: - Words

    static func ago(_ time: Date, _ now: Date) -> String { seconds(now.timeIntervalSince(time)) }

    static func seconds(_ interval: TimeInterval) -> String {
        let total = max(0, Int(interval.rounded()))
        if total < 90 { return "\(total)s" }
        if total < 5400 { return "\(total / 60)m" }
        return "\(total / 3600)h\(total % 3600 / 60 > 0 ? "\(total % 3600 / 60)m" : "")"
    }
}

extension DeployState {
    /// Whether the deploy has started changing `environment` (a deploy stage for it ran).
    public func touched(_ environment: String) -> Bool {
        let stagesFor = policy.stages.filter { $0.environment == environment }.map(\.id)
        let relevant = stagesFor.isEmpty ? policy.stages.map(\.id) : stagesFor
        return stages.contains { relevant.contains($0.id) && $0.startedAt != nil }
    }
}
