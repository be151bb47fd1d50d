import Foundation

/// The compact binary codec for event payloads, as stored in the log.
///
/// The kind code and schema version are stored beside the bytes. Every payload is a fixed
/// sequence of fields; later schema versions only ever append fields, and the decoder reads
/// those only when bytes remain, so old logs keep loading as the vocabulary grows.
public enum EventCodec {
    /// Encodes a payload's fields.
    public static func encode(_ payload: EventPayload) -> [UInt8] {
        var writer = BinaryWriter()
        switch payload {
        case .deployRequested(let environment, let version, let policy):
            writer.write(environment)
            writer.write(version)
            encode(policy, into: &writer)
        case .deployStarted:
            break
        case .deployFinished(let outcome, let reason):
            writer.write(outcome.rawValue)
            writer.write(reason)
        case .stageQueued(let stage), .stageSucceeded(let stage):
            writer.write(stage)
        case .stageStarted(let stage, let command):
            writer.write(stage)
            writer.write(command)
        case .stageProgressed(let stage, let done, let total, let label):
            writer.write(stage)
            writer.write(done)
            writer.write(total)
            writer.write(label)
        case .stageLogged(let stage, let stream, let line):
            writer.write(stage)
            writer.write(stream.rawValue)
            writer.write(line)
        case .stageFailed(let stage, let reason), .stageSkipped(let stage, let reason),
             .stageCancelled(let stage, let reason):
            writer.write(stage)
            writer.write(reason)
        case .stageOutputOmitted(let stage, let lines, let bytes):
            writer.write(stage)
            writer.write(lines)
            writer.write(bytes)
        case .checklistItemTicked(let list, let item, let note), .checklistItemUnticked(let list, let item, let note):
            writer.write(list)
            writer.write(item)
            writer.write(note)
        case .checklistItemVerified(let list, let item, let passed, let evidence):
            writer.write(list)
            writer.write(item)
            writer.write(passed)
            writer.write(evidence)
        case .approvalGiven(let scope, let comment), .approvalRevoked(let scope, let comment):
            writer.write(scope)
            writer.write(comment)
        case .gateOpened(let gate, let reason):
            writer.write(gate)
            writer.write(reason)
        case .metricSampled(let metric, let value):
            writer.write(metric)
            writer.write(value)
        case .thresholdCrossed(let metric, let level, let value, let threshold):
            writer.write(metric)
            writer.write(level.rawValue)
            writer.write(value)
            writer.write(threshold)
        case .rollbackRequested(let reason), .cancelRequested(let reason):
            writer.write(reason)
        case .environmentClaimed(let environment, let deploy, let version):
            writer.write(environment)
            writer.write(deploy.rawValue)
            writer.write(version)
        case .environmentObserved(let environment, let cause, let live, let deploy, let drift):
            writer.write(environment)
            writer.write(cause.rawValue)
            writer.write(live.version)
            writer.write(live.image)
            writer.write(live.revision)
            writer.write(live.ready)
            writer.write(live.desired)
            writer.write(live.detail)
            writer.write(deploy.rawValue)
            writer.write(drift)
        case .environmentVerified(let environment, let version, let deploy):
            writer.write(environment)
            writer.write(version)
            writer.write(deploy.rawValue)
        case .rollbackStarted(let target, let method):
            writer.write(target)
            writer.write(method)
        case .rollbackFinished(let succeeded, let version, let reason):
            writer.write(succeeded)
            writer.write(version)
            writer.write(reason)
        case .leaseAcquired(let environment, let holder, let expires):
            writer.write(environment)
            writer.write(holder)
            writer.write(expires)
        case .leaseReleased(let environment, let holder):
            writer.write(environment)
            writer.write(holder)
        case .unrecognized(_, let bytes):
            return bytes
        }
        return writer.bytes
    }

    /// Decodes a payload of kind `code` written with schema `schema`.
    /// Unknown kinds become `.unrecognized`; malformed bytes throw.
    public static func decode(kind code: UInt16, schema: UInt16, bytes: UnsafeRawBufferPointer) throws(CodecError) -> EventPayload {
        guard let kind = EventKind(rawValue: code) else {
            return .unrecognized(kind: code, bytes: Array(bytes))
        }
        var r = BinaryReader(bytes)
        switch kind {
        case .stageLogged:
            let stage = try r.readString()
            let rawStream = try r.readByte()
            guard let stream = LogStream(rawValue: rawStream) else { throw .badValue(field: "log stream", value: UInt64(rawStream)) }
            return .stageLogged(stage: stage, stream: stream, line: try r.readString())
        case .stageProgressed:
            return .stageProgressed(stage: try r.readString(), done: try r.readInt(), total: try r.readInt(), label: try r.readString())
        case .stageOutputOmitted:
            return .stageOutputOmitted(stage: try r.readString(), lines: try r.readInt(), bytes: try r.readInt())
        case .cancelRequested:
            return .cancelRequested(reason: try r.readString())
        case .environmentClaimed:
            return .environmentClaimed(environment: try r.readString(), deploy: DeployID(try r.readString()),
                                       version: try r.readString())
        case .environmentObserved:
            let environment = try r.readString()
            let raw = try r.readByte()
            guard let cause = LiveCause(rawValue: raw) else { throw .badValue(field: "live cause", value: UInt64(raw)) }
            let live = LiveState(version: try r.readString(), image: try r.readString(), revision: try r.readInt(),
                                 ready: try r.readInt(), desired: try r.readInt(), detail: try r.readString())
            return .environmentObserved(environment: environment, cause: cause, live: live, deploy: DeployID(try r.readString()),
                                        drift: try r.readString())
        case .environmentVerified:
            return .environmentVerified(environment: try r.readString(), version: try r.readString(), deploy: DeployID(try r.readString()))
        case .metricSampled:
            return .metricSampled(metric: try r.readString(), value: try r.readDouble())
        case .deployRequested:
            return .deployRequested(environment: try r.readString(), version: try r.readString(), policy: try decodePolicy(&r))
        case .deployStarted:
            return .deployStarted
        case .deployFinished:
            let raw = try r.readByte()
            guard let outcome = DeployOutcome(rawValue: raw) else { throw .badValue(field: "outcome", value: UInt64(raw)) }
            return .deployFinished(outcome: outcome, reason: try r.readString())
        case .stageQueued:
            return .stageQueued(stage: try r.readString())
        case .stageStarted:
            return .stageStarted(stage: try r.readString(), command: try r.readStrings())
        case .stageSucceeded:
            return .stageSucceeded(stage: try r.readString())
        case .stageFailed:
            return .stageFailed(stage: try r.readString(), reason: try r.readString())
        case .stageSkipped:
            return .stageSkipped(stage: try r.readString(), reason: try r.readString())
        case .stageCancelled:
            return .stageCancelled(stage: try r.readString(), reason: try r.readString())
        case .checklistItemTicked:
            return .checklistItemTicked(checklist: try r.readString(), item: try r.readString(), note: try r.readString())
        case .checklistItemUnticked:
            return .checklistItemUnticked(checklist: try r.readString(), item: try r.readString(), note: try r.readString())
        case .checklistItemVerified:
            return .checklistItemVerified(checklist: try r.readString(), item: try r.readString(),
                                          passed: try r.readBool(), evidence: try r.readString())
        case .approvalGiven:
            return .approvalGiven(scope: try r.readString(), comment: try r.readString())
        case .approvalRevoked:
            return .approvalRevoked(scope: try r.readString(), comment: try r.readString())
        case .gateOpened:
            return .gateOpened(gate: try r.readString(), overrideReason: try r.readString())
        case .thresholdCrossed:
            let metric = try r.readString()
            let raw = try r.readByte()
            guard let level = ThresholdLevel(rawValue: raw) else { throw .badValue(field: "threshold level", value: UInt64(raw)) }
            return .thresholdCrossed(metric: metric, level: level, value: try r.readDouble(), threshold: try r.readDouble())
        case .rollbackRequested:
            return .rollbackRequested(reason: try r.readString())
        case .rollbackStarted:
            return .rollbackStarted(targetVersion: try r.readString(), method: try r.readString())
        case .rollbackFinished:
            return .rollbackFinished(succeeded: try r.readBool(), version: try r.readString(), reason: try r.readString())
        case .leaseAcquired:
            return .leaseAcquired(environment: try r.readString(), holder: try r.readString(), expires: try r.readDate())
        case .leaseReleased:
            return .leaseReleased(environment: try r.readString(), holder: try r.readString())
        }
    }

    /// Decodes from an array (convenience for tests and small reads).
    public static func decode(kind: UInt16, schema: UInt16, bytes: [UInt8]) throws(CodecError) -> EventPayload {
        do {
            return try bytes.withUnsafeBytes { buffer in try decode(kind: kind, schema: schema, bytes: buffer) }
        } catch let error as CodecError {
            throw error
        } catch {
            throw .truncated(offset: 0)
        }
    }

    // MARK: - Policy

    static func encode(_ policy: DeployPolicy, into w: inout BinaryWriter) {
        w.write(policy.strategy)
        w.write(UInt64(policy.stages.count))
        for stage in policy.stages {
            w.write(stage.id)
            w.write(stage.summary)
            w.write(stage.needs)
            w.write(stage.gate.map(\.description))
        }
        w.write(UInt64(policy.checklists.count))
        for list in policy.checklists {
            w.write(list.id)
            w.write(UInt64(list.items.count))
            for item in list.items {
                w.write(item.id)
                w.write(item.text)
                w.write(item.verify)
                w.write(item.evidenceRequired)
            }
        }
        w.write(UInt64(policy.approvals.count))
        for rule in policy.approvals {
            w.write(rule.scope)
            w.write(rule.required)
            w.write(rule.allowed)
            w.write(rule.allowSelf)
        }
        // Appended later (metric thresholds): name, flags (1 warn, 2 critical, 4 lower is
        // worse), then the thresholds present.
        w.write(UInt64(policy.metrics.count))
        for metric in policy.metrics {
            w.write(metric.name)
            var flags: UInt8 = 0
            if metric.warn != nil { flags |= MetricFlags.warn }
            if metric.critical != nil { flags |= MetricFlags.critical }
            if metric.lowerIsWorse { flags |= MetricFlags.lowerIsWorse }
            w.write(flags)
            if let warn = metric.warn { w.write(warn) }
            if let critical = metric.critical { w.write(critical) }
        }
        // Appended later still: the environment of each stage ("" when it deploys nowhere).
        w.write(policy.stages.map { $0.environment ?? "" })
        // And then the pipeline file, frozen whole.
        w.write(policy.pipelineFile)
        w.write(policy.pipelineSource)
        // Appended later: each metric's unit, in the order of the metrics.
        w.write(policy.metrics.map(\.unit.rawValue))
    }

    private enum MetricFlags {
        static let warn: UInt8 = 1
        static let critical: UInt8 = 2
        static let lowerIsWorse: UInt8 = 4
    }

    static func decodePolicy(_ r: inout BinaryReader) throws(CodecError) -> DeployPolicy {
        let strategy = try r.readString()
        var stages: [StagePlan] = []
        for _ in 0..<(try r.readCount()) {
            let id = try r.readString()
            let summary = try r.readString()
            let needs = try r.readStrings()
            let gate = try r.readStrings().compactMap(GateRequirement.init(text:))
            stages.append(StagePlan(id: id, summary: summary, needs: needs, gate: gate))
        }
        var lists: [ChecklistPlan] = []
        for _ in 0..<(try r.readCount()) {
            let id = try r.readString()
            var items: [ChecklistItemPlan] = []
            for _ in 0..<(try r.readCount()) {
                items.append(ChecklistItemPlan(id: try r.readString(), text: try r.readString(),
                                               verify: try r.readStrings(), evidenceRequired: try r.readBool()))
            }
            lists.append(ChecklistPlan(id: id, items: items))
        }
        var approvals: [ApprovalRule] = []
        for _ in 0..<(try r.readCount()) {
            approvals.append(ApprovalRule(scope: try r.readString(), required: try r.readInt(),
                                            allowed: try r.readStrings(), allowSelf: try r.readBool()))
        }
        // Policies written before thresholds were frozen end here.
        var metrics: [MetricPlan] = []
        if r.hasMore {
            for _ in 0..<(try r.readCount()) {
                let name = try r.readString()
                let flags = try r.readByte()
                var warn: Double?, critical: Double?
                if flags & MetricFlags.warn != 0 { warn = try r.readDouble() }
                if flags & MetricFlags.critical != 0 { critical = try r.readDouble() }
                metrics.append(MetricPlan(name: name, warn: warn, critical: critical,
                                          lowerIsWorse: flags & MetricFlags.lowerIsWorse != 0))
            }
        }
        // Policies written before stage environments were frozen end here.
        if r.hasMore {
            for (index, environment) in try r.readStrings().enumerated() where index < stages.count && !environment.isEmpty {
                stages[index].environment = environment
            }
        }
        // Policies written before the pipeline file was frozen end here.
        var file = "", source = ""
        if r.hasMore {
            file = try r.readString()
            source = try r.readString()
        }
        // Policies written before metric units were frozen end here.
        if r.hasMore {
            for (index, unit) in try r.readStrings().enumerated() where index < metrics.count {
                metrics[index].unit = MetricUnit(rawValue: unit) ?? .none
            }
        }
        return DeployPolicy(strategy: strategy, stages: stages, checklists: lists, approvals: approvals, metrics: metrics,
                            pipelineFile: file, pipelineSource: source)
    }
}

extension GateRequirement {
    /// Parses `checklist:ID` or `approvals:SCOPE`.
    public init?(text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let value = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "checklist": self = .checklist(value)
        case "approvals": self = .approvals(value)
        default: return nil
        }
    }
}
