import Foundation

/// Writes and reads a whole `GantryState` as compact bytes, for the folded-state snapshot.
///
/// Hand-written like `EventCodec` rather than `Codable`: a store with 10k deploys makes a
/// snapshot of about 10 MB, which `JSONDecoder` took over a second to read; this reads it in
/// tens of milliseconds. Deploys made under the same pipeline share one `DeployPolicy`
/// (written once, in a table), so a restored state keeps one copy of a frozen pipeline file
/// rather than one per deploy.
///
/// There is no versioning inside: the snapshot's `format` names the layout, and a snapshot of
/// another format is refolded from the log. `StateCodecTests` fails when a state type gains a
/// field this codec does not write.
public enum StateCodec {
    /// The state as bytes.
    public static func encode(_ state: GantryState) -> [UInt8] {
        var w = BinaryWriter(capacity: 1 << 16)
        w.write(state.lastSeq)
        w.write(state.eventCount)
        w.write(state.logCapacity)
        w.write(state.metricCapacity)
        let names = state.environments.keys.sorted()
        w.write(UInt64(names.count))
        for name in names { write(state.environments[name]!, into: &w) }

        // Policies, each once; deploys then name theirs by position.
        var policies: [[UInt8]: Int] = [:]
        var table: [[UInt8]] = []
        var positions: [Int] = []
        positions.reserveCapacity(state.deploys.count)
        var last: (policy: DeployPolicy, position: Int)?
        for deploy in state.deploys {
            if let last, last.policy == deploy.policy {
                positions.append(last.position)
                continue
            }
            var bytes = BinaryWriter(capacity: 256)
            EventCodec.encode(deploy.policy, into: &bytes)
            let position = policies[bytes.bytes] ?? table.count
            if position == table.count {
                policies[bytes.bytes] = position
                table.append(bytes.bytes)
            }
            positions.append(position)
            last = (deploy.policy, position)
        }
        w.write(UInt64(table.count))
        for bytes in table {
            w.write(UInt64(bytes.count))
            w.append(bytes)
        }
        w.write(UInt64(state.deploys.count))
        for (deploy, policy) in zip(state.deploys, positions) { write(deploy, policy: policy, into: &w) }
        return w.bytes
    }

    /// The state `encode` wrote. Throws on bytes it did not write; never traps.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> GantryState {
        var r = BinaryReader(bytes)
        let lastSeq = try r.readInt64()
        let eventCount = try r.readInt()
        var state = GantryState(logCapacity: try r.readInt(), metricCapacity: try r.readInt())
        state.lastSeq = lastSeq
        state.eventCount = eventCount
        for _ in 0..<(try r.readCount()) {
            let environment = try readEnvironment(&r)
            state.environments[environment.name] = environment
        }
        var policies: [DeployPolicy] = []
        for _ in 0..<(try r.readCount()) {
            let length = try r.readCount()
            var policy = try r.sub(length)
            policies.append(try EventCodec.decodePolicy(&policy))
        }
        var deploys: [DeployState] = []
        let count = try r.readCount()
        deploys.reserveCapacity(count)
        for _ in 0..<count { deploys.append(try readDeploy(&r, policies: policies, logCapacity: state.logCapacity)) }
        state.deploys = DeployTable(list: deploys)
        guard !r.hasMore else { throw .badLength(offset: r.offset) }
        return state
    }

    // MARK: - Environments

    private static func write(_ environment: EnvironmentState, into w: inout BinaryWriter) {
        w.write(environment.name)
        w.writeOptional(environment.live) { write($1, into: &$0) }
        w.writeOptional(environment.liveCause) { $0.write($1.rawValue) }
        w.writeOptional(environment.liveSince) { $0.write($1) }
        w.writeOptional(environment.liveBy) { $0.write($1.rawValue) }
        w.writeOptional(environment.expected) { write($1, into: &$0) }
        w.writeOptional(environment.observedAt) { $0.write($1) }
        w.writeOptional(environment.drift) { $0.write($1) }
        w.write(environment.knownGood)
        let verified = environment.verifiedBy.keys.sorted()
        w.write(UInt64(verified.count))
        for version in verified {
            w.write(version)
            w.write(environment.verifiedBy[version]!.rawValue)
        }
        w.writeOptional(environment.activeDeploy) { $0.write($1.rawValue) }
        w.write(environment.deploys.map(\.rawValue))
        w.writeOptional(environment.lease) {
            $0.write($1.holder)
            $0.write($1.acquiredAt)
            $0.write($1.expires)
        }
        w.write(environment.streamVersion)
    }

    private static func readEnvironment(_ r: inout BinaryReader) throws(CodecError) -> EnvironmentState {
        var environment = EnvironmentState(name: try r.readString())
        environment.live = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try readLive(&r) }
        environment.liveCause = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            let raw = try r.readByte()
            guard let cause = LiveCause(rawValue: raw) else { throw .badValue(field: "live cause", value: UInt64(raw)) }
            return cause
        }
        environment.liveSince = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        environment.liveBy = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in DeployID(try r.readString()) }
        environment.expected = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try readLive(&r) }
        environment.observedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        environment.drift = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readString() }
        environment.knownGood = try r.readStrings()
        for _ in 0..<(try r.readCount()) {
            let version = try r.readString()
            environment.verifiedBy[version] = DeployID(try r.readString())
        }
        environment.activeDeploy = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in DeployID(try r.readString()) }
        environment.deploys = try r.readStrings().map(DeployID.init)
        environment.lease = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            Lease(holder: try r.readString(), acquiredAt: try r.readDate(), expires: try r.readDate())
        }
        environment.streamVersion = try r.readInt64()
        return environment
    }

    private static func write(_ live: LiveState, into w: inout BinaryWriter) {
        w.write(live.version)
        w.write(live.image)
        w.write(live.revision)
        w.write(live.ready)
        w.write(live.desired)
        w.write(live.detail)
    }

    private static func readLive(_ r: inout BinaryReader) throws(CodecError) -> LiveState {
        LiveState(version: try r.readString(), image: try r.readString(), revision: try r.readInt(),
                  ready: try r.readInt(), desired: try r.readInt(), detail: try r.readString())
    }

    // MARK: - Deploys

    private static func write(_ deploy: DeployState, policy: Int, into w: inout BinaryWriter) {
        w.write(deploy.id.rawValue)
        w.write(deploy.environment)
        w.write(deploy.version)
        w.write(UInt64(policy))
        w.write(deploy.requestedBy)
        w.write(deploy.requestedAt)
        w.write(deploy.status.code)
        w.write(deploy.streamVersion)
        w.writeOptional(deploy.startedAt) { $0.write($1) }
        w.writeOptional(deploy.finishedAt) { $0.write($1) }
        w.write(deploy.outcomeReason)
        w.write(UInt64(deploy.stages.count))
        for stage in deploy.stages { write(stage, into: &w) }
        w.write(UInt64(deploy.checklists.count))
        for list in deploy.checklists {
            w.write(list.id)
            w.write(UInt64(list.items.count))
            for item in list.items {
                w.write(item.spec.id)
                w.write(item.spec.text)
                w.write(item.spec.verify)
                w.write(item.spec.evidenceRequired)
                w.write(item.done)
                w.write(item.by)
                w.writeOptional(item.at) { $0.write($1) }
                w.write(item.evidence)
                w.write(item.verificationFailed)
            }
        }
        w.write(UInt64(deploy.approvals.count))
        for approval in deploy.approvals {
            w.write(approval.scope)
            w.write(approval.by)
            w.write(approval.at)
            w.write(approval.comment)
        }
        w.write(deploy.openedGates.sorted())
        let overridden = deploy.overrides.keys.sorted()
        w.write(UInt64(overridden.count))
        for gate in overridden {
            let override = deploy.overrides[gate]!
            w.write(gate)
            w.write(override.by)
            w.write(override.at)
            w.write(override.reason)
        }
        let metrics = deploy.metrics.keys.sorted()
        w.write(UInt64(metrics.count))
        for name in metrics {
            w.write(name)
            write(deploy.metrics[name]!, into: &w)
        }
        w.write(deploy.metricOrder)
        w.writeOptional(deploy.rollback) {
            $0.write($1.requestedBy)
            $0.write($1.requestedAt)
            $0.write($1.reason)
            $0.write($1.targetVersion)
            $0.write($1.method)
            $0.writeOptional($1.startedAt) { $0.write($1) }
            $0.writeOptional($1.finishedAt) { $0.write($1) }
            $0.writeOptional($1.succeeded) { $0.write($1) }
        }
        w.writeOptional(deploy.cancelRequest) {
            $0.write($1.by)
            $0.write($1.at)
            $0.write($1.reason)
        }
        w.write(UInt64(deploy.audit.count))
        for entry in deploy.audit {
            w.write(entry.seq)
            w.write(entry.time)
            w.write(entry.actor)
            w.write(UInt64(entry.kind.rawValue))
            w.write(entry.text)
        }
        w.writeOptional(deploy.rollbackTarget) { $0.write($1) }
    }

    private static func readDeploy(_ r: inout BinaryReader, policies: [DeployPolicy], logCapacity: Int) throws(CodecError) -> DeployState {
        let id = DeployID(try r.readString())
        let environment = try r.readString()
        let version = try r.readString()
        let policy = try r.readUInt64()
        guard policy < UInt64(policies.count) else { throw .badValue(field: "policy", value: policy) }
        var deploy = DeployState(restoring: id, environment: environment, version: version, policy: policies[Int(policy)],
                                 requestedBy: try r.readString(), requestedAt: try r.readDate())
        let status = try r.readByte()
        guard let decoded = DeployStatus(code: status) else { throw .badValue(field: "deploy status", value: UInt64(status)) }
        deploy.status = decoded
        deploy.streamVersion = try r.readInt64()
        deploy.startedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        deploy.finishedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        deploy.outcomeReason = try r.readString()
        let stages = try r.readCount()
        deploy.stages.reserveCapacity(stages)
        for _ in 0..<stages { deploy.stages.append(try readStage(&r, logCapacity: logCapacity)) }
        for _ in 0..<(try r.readCount()) {
            let id = try r.readString()
            var items: [ChecklistItemState] = []
            for _ in 0..<(try r.readCount()) {
                var item = ChecklistItemState(spec: ChecklistItemPlan(id: try r.readString(), text: try r.readString(),
                                                                      verify: try r.readStrings(), evidenceRequired: try r.readBool()))
                item.done = try r.readBool()
                item.by = try r.readString()
                item.at = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
                item.evidence = try r.readString()
                item.verificationFailed = try r.readBool()
                items.append(item)
            }
            deploy.checklists.append(ChecklistState(id: id, items: items))
        }
        for _ in 0..<(try r.readCount()) {
            deploy.approvals.append(Approval(scope: try r.readString(), by: try r.readString(), at: try r.readDate(),
                                             comment: try r.readString()))
        }
        deploy.openedGates = Set(try r.readStrings())
        for _ in 0..<(try r.readCount()) {
            let gate = try r.readString()
            deploy.overrides[gate] = GateOverride(by: try r.readString(), at: try r.readDate(), reason: try r.readString())
        }
        for _ in 0..<(try r.readCount()) {
            let name = try r.readString()
            deploy.metrics[name] = try readSeries(&r)
        }
        deploy.metricOrder = try r.readStrings()
        deploy.rollback = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            var rollback = RollbackState(requestedBy: try r.readString(), requestedAt: try r.readDate(), reason: try r.readString())
            rollback.targetVersion = try r.readString()
            rollback.method = try r.readString()
            rollback.startedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
            rollback.finishedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
            rollback.succeeded = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readBool() }
            return rollback
        }
        deploy.cancelRequest = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            CancelRequest(by: try r.readString(), at: try r.readDate(), reason: try r.readString())
        }
        let entries = try r.readCount()
        deploy.audit.reserveCapacity(entries)
        for _ in 0..<entries {
            let seq = try r.readInt64()
            let time = try r.readDate()
            let actor = try r.readString()
            let code = try r.readUInt64()
            guard code <= UInt64(UInt16.max), let kind = EventKind(rawValue: UInt16(code)) else {
                throw .badValue(field: "audit kind", value: code)
            }
            deploy.audit.append(AuditEntry(seq: seq, time: time, actor: actor, kind: kind, text: try r.readString()))
        }
        deploy.rollbackTarget = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readString() }
        return deploy
    }

    private static func write(_ stage: StageState, into w: inout BinaryWriter) {
        w.write(stage.id)
        w.write(stage.summary)
        w.write(stage.needs)
        w.write(stage.status.code)
        w.writeOptional(stage.startedAt) { $0.write($1) }
        w.writeOptional(stage.finishedAt) { $0.write($1) }
        w.write(stage.command)
        w.writeOptional(stage.progress) {
            $0.write($1.done)
            $0.write($1.total)
            $0.write($1.label)
        }
        w.write(stage.reason)
        w.write(stage.log.capacity)
        w.write(stage.log.totalCount)
        let lines = stage.log.lines
        w.write(UInt64(lines.count))
        for line in lines {
            w.write(line.seq)
            w.write(line.stream.rawValue)
            w.write(line.text)
        }
        w.writeOptional(stage.omittedOutput) {
            $0.write($1.lines)
            $0.write($1.bytes)
            $0.write($1.markerSeq)
        }
    }

    private static func readStage(_ r: inout BinaryReader, logCapacity: Int) throws(CodecError) -> StageState {
        var stage = StageState(id: try r.readString(), summary: try r.readString(), needs: try r.readStrings(), logCapacity: 1)
        let status = try r.readByte()
        guard let decoded = StageStatus(code: status) else { throw .badValue(field: "stage status", value: UInt64(status)) }
        stage.status = decoded
        stage.startedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        stage.finishedAt = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDate() }
        stage.command = try r.readStrings()
        stage.progress = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            StageProgress(done: try r.readInt(), total: try r.readInt(), label: try r.readString())
        }
        stage.reason = try r.readString()
        let capacity = try r.readInt()
        let total = try r.readInt()
        var lines: [LogRing.Line] = []
        let count = try r.readCount()
        lines.reserveCapacity(count)
        for _ in 0..<count {
            let seq = try r.readInt64()
            let raw = try r.readByte()
            guard let stream = LogStream(rawValue: raw) else { throw .badValue(field: "log stream", value: UInt64(raw)) }
            lines.append(LogRing.Line(seq: seq, stream: stream, text: try r.readString()))
        }
        stage.log = LogRing(capacity: capacity, totalCount: total, lines: lines)
        stage.omittedOutput = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in
            OmittedOutput(lines: try r.readInt(), bytes: try r.readInt(), markerSeq: try r.readInt64())
        }
        return stage
    }

    private static func write(_ series: MetricSeries, into w: inout BinaryWriter) {
        w.write(series.capacity)
        w.write(series.totalCount)
        w.write(series.level.rawValue)
        w.write(series.crossedThreshold)
        w.writeOptional(series.warn) { $0.write($1) }
        w.writeOptional(series.critical) { $0.write($1) }
        w.write(series.lowerIsWorse)
        w.write(series.unit.rawValue)
        let samples = series.samples
        w.write(UInt64(samples.count))
        for sample in samples {
            w.write(sample.time)
            w.write(sample.value)
        }
    }

    private static func readSeries(_ r: inout BinaryReader) throws(CodecError) -> MetricSeries {
        let capacity = try r.readInt()
        let total = try r.readInt()
        let raw = try r.readByte()
        guard let level = ThresholdLevel(rawValue: raw) else { throw .badValue(field: "threshold level", value: UInt64(raw)) }
        let crossed = try r.readDouble()
        let warn = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDouble() }
        let critical = try r.readOptional { (r: inout BinaryReader) throws(CodecError) in try r.readDouble() }
        let lowerIsWorse = try r.readBool()
        let unit = MetricUnit(rawValue: try r.readString()) ?? .none
        var samples: [MetricSeries.Sample] = []
        let count = try r.readCount()
        samples.reserveCapacity(count)
        for _ in 0..<count { samples.append(MetricSeries.Sample(time: try r.readDate(), value: try r.readDouble())) }
        var series = MetricSeries(capacity: capacity, totalCount: total, samples: samples)
        series.level = level
        series.crossedThreshold = crossed
        series.warn = warn
        series.critical = critical
        series.lowerIsWorse = lowerIsWorse
        series.unit = unit
        return series
    }
}

extension DeployStatus {
    private static let byCode: [DeployStatus] = [.requested, .running, .rollingBack, .succeeded, .failed, .rolledBack, .cancelled, .interrupted]

    /// The status's number in a snapshot.
    var code: UInt8 { UInt8(Self.byCode.firstIndex(of: self)!) }

    /// The status numbered `code`, if any.
    init?(code: UInt8) {
        guard Int(code) < Self.byCode.count else { return nil }
        self = Self.byCode[Int(code)]
    }
}

extension StageStatus {
    private static let byCode: [StageStatus] = [.pending, .queued, .running, .succeeded, .failed, .skipped, .cancelled]

    /// The status's number in a snapshot.
    var code: UInt8 { UInt8(Self.byCode.firstIndex(of: self)!) }

    /// The status numbered `code`, if any.
    init?(code: UInt8) {
        guard Int(code) < Self.byCode.count else { return nil }
        self = Self.byCode[Int(code)]
    }
}

extension BinaryWriter {
    /// A presence byte, then the value when there is one.
    mutating func writeOptional<Value>(_ value: Value?, _ body: (inout BinaryWriter, Value) -> Void) {
        guard let value else { return write(false) }
        write(true)
        body(&self, value)
    }

    mutating func write(_ value: Int64) { write(Int(value)) }
}

extension BinaryReader {
    /// What `writeOptional` wrote.
    mutating func readOptional<Value>(_ body: (inout BinaryReader) throws(CodecError) -> Value) throws(CodecError) -> Value? {
        try readBool() ? try body(&self) : nil
    }

    mutating func readInt64() throws(CodecError) -> Int64 { Int64(try readInt()) }

}
