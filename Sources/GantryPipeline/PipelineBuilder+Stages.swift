import Foundation

extension PipelineBuilder {
    static let stageKeys = ["id", "needs", "timeout", "retries", "docker", "context", "tag", "dockerfile", "argv",
                            "run", "deploy", "gate", "monitor", "for"]
    static let kindKeys = ["docker", "run", "deploy", "gate", "monitor"]

    /// The docker sub-commands a stage may run.
    enum DockerCommand: String, CaseIterable {
        case build, push, run
    }

    /// Reads `stages:`, a non-empty list of stages.
    func stageList(_ value: Value) -> [StageSpec]? {
        guard let items = list(value, what: "a list of stages such as - { id: build, docker: build, context: \".\" }") else {
            return nil
        }
        if items.isEmpty {
            sink.error("'stages' must list at least one stage", at: value.position, path: value.path)
            return nil
        }
        let built = items.enumerated().map { stage($0.element, number: $0.offset + 1) }
        let stages = built.compactMap { $0 }
        return stages.count == built.count ? stages : nil
    }

    private func stage(_ value: Value, number: Int) -> StageSpec? {
        let readableID: String? = {
            guard case .mapping(let mapping) = value.node else { return nil }
            return mapping.first { $0.key.string == "id" }?.value.string
        }()
        let context = "in stage " + (readableID.map { "'\(Quote.clip($0))'" } ?? "\(number)")
        guard let reader = mapping(value, context: context, what: "a mapping with 'id' and one of "
            + Self.kindKeys.map { "'\($0)'" }.joined(separator: ", ")) else { return nil }
        checkKeys(reader, allowed: Self.stageKeys)
        let idValue = require(reader, "id")
        let id = idValue.flatMap { name($0, what: "stage id", rule: .label) }
        var record = References.Stage(id: Reference(
            name: id ?? "", position: idValue?.position ?? reader.owner, path: idValue?.path ?? reader.value.path))
        let needs = reader["needs"].map { stageNeeds($0, record: &record) } ?? []
        let timeout = reader["timeout"].map(duration)
        let retries = reader["retries"].map { integer($0, in: 0...10) } ?? 0
        let kind = stageKind(reader, stage: readableID ?? "\(number)", record: &record)
        references.stages.append(record)
        guard let id, let needs, let retries, let kind, timeout.map({ $0 != nil }) ?? true else { return nil }
        return StageSpec(id: id, needs: needs, timeoutSeconds: timeout ?? nil, retries: retries, kind: kind)
    }

    private func stageNeeds(_ value: Value, record: inout References.Stage) -> [String]? {
        guard let items = list(value, what: "a list of stage ids such as [build]") else { return nil }
        var needs: [String] = []
        var failed = false
        for item in items {
            guard let need = string(item) else { failed = true; continue }
            if needs.contains(need) {
                sink.error("'\(Quote.clip(need))' is listed twice in 'needs'", at: item.position, path: item.path)
                failed = true
            }
            needs.append(need)
            record.needs.append(Reference(name: need, position: item.position, path: item.path))
        }
        return failed ? nil : needs
    }

    // MARK: - Kinds

    private func stageKind(_ reader: MappingReader, stage: String, record: inout References.Stage) -> StageKind? {
        let kinds = reader.present(Self.kindKeys)
        guard kinds.count == 1, let kindKey = kinds.first, let value = reader[kindKey] else {
            let expected = Self.kindKeys.map { "'\($0)'" }.joined(separator: ", ")
            let message = kinds.isEmpty
                ? "stage '\(Quote.clip(stage))' needs one of \(expected)"
                : "stage '\(Quote.clip(stage))' has more than one kind (" + kinds.map { "'\($0)'" }.joined(separator: " and ")
                    + "); keep exactly one"
            sink.error(message, at: reader.owner, path: reader.value.path)
            return nil
        }
        var docker: DockerCommand?
        if kindKey == "docker" {
            guard let command = choice(value, DockerCommand.self) else { return nil }
            docker = command
        }
        let options: [String] = switch docker {
        case .build: ["context", "tag", "dockerfile"]
        case .push: ["tag"]
        case .run: ["argv"]
        case nil: kindKey == "monitor" ? ["for"] : []
        }
        if !checkOptions(reader, allowed: options) { return nil }
        switch (kindKey, docker) {
        case (_, .build?):
            let context = require(reader, "context").flatMap(template)
            let tag = reader["tag"].map(template) ?? StageKind.defaultTag
            let dockerfile = reader["dockerfile"].map(template)
            guard let context, let tag, dockerfile.map({ $0 != nil }) ?? true else { return nil }
            return .dockerBuild(context: context, tag: tag, dockerfile: dockerfile ?? nil)
        case (_, .push?):
            return (reader["tag"].map(template) ?? StageKind.defaultTag).map { .dockerPush(tag: $0) }
        case (_, .run?):
            return require(reader, "argv").flatMap(argv).map { .dockerRun(argv: $0) }
        case ("run", _):
            return argv(value).map { .run(argv: $0) }
        case ("deploy", _):
            guard let environment = string(value) else { return nil }
            record.deploys = Reference(name: environment, position: value.position, path: value.path)
            return .deploy(environment: environment)
        case ("gate", _):
            return gateConditions(value, record: &record).map(StageKind.gate)
        default:
            let environment = string(value)
            let seconds = require(reader, "for").flatMap(duration)
            if let environment {
                record.monitors = Reference(name: environment, position: value.position, path: value.path)
            }
            guard let environment, let seconds else { return nil }
            return .monitor(environment: environment, seconds: seconds)
        }
    }

    /// Reports option keys (`context`, `tag`, `dockerfile`, `argv`, `for`) that do not apply to this kind.
    private func checkOptions(_ reader: MappingReader, allowed: [String]) -> Bool {
        let owners = ["context": "'docker: build'", "dockerfile": "'docker: build'",
                      "tag": "'docker: build' and 'docker: push'", "argv": "'docker: run'", "for": "'monitor'"]
        var ok = true
        for entry in reader.entries where owners[entry.key] != nil && !allowed.contains(entry.key) {
            sink.error("'\(entry.key)' applies only to \(owners[entry.key] ?? "other") stages",
                       at: entry.keyNode.position, path: entry.value.path)
            ok = false
        }
        return ok
    }

    private func gateConditions(_ value: Value, record: inout References.Stage) -> [GateCondition]? {
        let example = "a list of conditions such as [checklist:pre-deploy, approvals:production]"
        guard let items = list(value, what: example) else { return nil }
        if items.isEmpty {
            sink.error("'gate' must list at least one condition", at: value.position, path: value.path)
            return nil
        }
        var conditions: [GateCondition] = []
        var failed = false
        for item in items {
            guard let text = string(item) else { failed = true; continue }
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let reference = Reference(name: parts.count == 2 ? parts[1] : "", position: item.position, path: item.path)
            let condition: GateCondition
            switch (parts.first, parts.count) {
            case ("checklist"?, 2):
                condition = .checklist(parts[1])
                record.gateChecklists.append(reference)
            case ("approvals"?, 2):
                condition = .approvals(environment: parts[1])
                record.gateApprovals.append(reference)
            default:
                sink.error("gate condition '\(Quote.clip(text))' must be 'checklist:NAME' or 'approvals:ENVIRONMENT'",
                           at: item.position, path: item.path)
                failed = true
                continue
            }
            if conditions.contains(condition) {
                sink.error("gate condition '\(Quote.clip(text))' is listed twice", at: item.position, path: item.path)
                failed = true
            }
            conditions.append(condition)
        }
        return failed ? nil : conditions
    }
}
