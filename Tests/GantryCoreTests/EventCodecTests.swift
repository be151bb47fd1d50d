import Foundation
import GantryCore
import XCTest

final class EventCodecTests: XCTestCase {
    static let samples: [EventPayload] = [
        Fixtures.request, .deployStarted, .deployFinished(outcome: .rolledBack, reason: "error rate"),
        .stageQueued(stage: "build"), .stageStarted(stage: "build", command: ["docker", "build", "-t", "x:1", "."]),
        .stageProgressed(stage: "staging", done: -3, total: 5, label: "3/5 pods ready"),
        .stageLogged(stage: "build", stream: .stderr, line: "héllo ✓ 日本"), .stageSucceeded(stage: "a"),
        .stageFailed(stage: "a", reason: "exit 1"), .stageSkipped(stage: "b", reason: "x"), .stageCancelled(stage: "c", reason: "y"),
        .stageOutputOmitted(stage: "build", lines: 1_204_311, bytes: 188_978_121),
        .cancelRequested(reason: "wrong version"),
        .environmentClaimed(environment: "production", deploy: DeployID("production-2.1.0-3"), version: "2.1.0"),
        .checklistItemTicked(checklist: "pre", item: "backup", note: "snap"),
        .checklistItemUnticked(checklist: "pre", item: "backup", note: ""),
        .checklistItemVerified(checklist: "pre", item: "tests", passed: true, evidence: "ok\nall green"),
        .approvalGiven(scope: "production", comment: "lgtm"), .approvalRevoked(scope: "production", comment: ""),
        .gateOpened(gate: "g", overrideReason: "sev1"), .metricSampled(metric: "error-rate", value: 0.0725),
        .thresholdCrossed(metric: "m", level: .warn, value: 1.5, threshold: 1.0),
        .rollbackRequested(reason: "r"), .rollbackStarted(targetVersion: "2.0.0", method: "rollout undo"),
        .rollbackFinished(succeeded: false, version: "", reason: "timeout"),
        .leaseAcquired(environment: "production", holder: "h", expires: Date(timeIntervalSince1970: 1_900_000_000.5)),
        .leaseReleased(environment: "production", holder: "h"),
        .environmentObserved(environment: "staging", cause: .reconciled,
                             live: LiveState(version: "", image: "nginx:1.27", revision: 3, ready: 2, desired: 3, detail: "colour green"),
                             deploy: DeployID(""), drift: "staging runs nginx:1.27, not what Gantry deployed (2.0.0)"),
        .environmentVerified(environment: "staging", version: "2.0.0", deploy: DeployID("staging-2.0.0-1")),
    ]

    func testEveryKindRoundTrips() throws {
        XCTAssertEqual(Set(Self.samples.compactMap(\.kind)), Set(EventKind.allCases), "a sample per kind")
        for payload in Self.samples {
            let bytes = EventCodec.encode(payload)
            let decoded = try EventCodec.decode(kind: payload.kindCode, schema: EventPayload.currentSchemaVersion, bytes: bytes)
            XCTAssertEqual(decoded, payload)
        }
    }

    func testUnknownKindIsKeptAsUnrecognized() throws {
        let decoded = try EventCodec.decode(kind: 4242, schema: 9, bytes: [1, 2, 3])
        XCTAssertEqual(decoded, .unrecognized(kind: 4242, bytes: [1, 2, 3]))
        XCTAssertEqual(EventCodec.encode(decoded), [1, 2, 3])
    }

    func testEveryTruncationThrowsNeverTraps() {
        for payload in Self.samples {
            let bytes = EventCodec.encode(payload)
            for cut in 0..<bytes.count {
                let prefix = Array(bytes[..<cut])
                // A prefix may legitimately decode (e.g. an empty trailing string); it must never trap.
                _ = try? EventCodec.decode(kind: payload.kindCode, schema: 1, bytes: prefix)
            }
            if payload != .deployStarted {
                XCTAssertThrowsError(try EventCodec.decode(kind: payload.kindCode, schema: 1, bytes: [0xFF, 0xFF, 0xFF]),
                                     "\(payload)")
            }
        }
    }

    /// A `deploy.requested` written before metric thresholds were appended to the policy
    /// (bytes from that encoder): it still decodes, with no metrics.
    static let requestBeforeMetricThresholds: [UInt8] = [
        0x0a, 0x70, 0x72, 0x6f, 0x64, 0x75, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x05, 0x32, 0x2e, 0x31, 0x2e, 0x30, 0x06,
        0x63, 0x61, 0x6e, 0x61, 0x72, 0x79, 0x01, 0x04, 0x67, 0x61, 0x74, 0x65, 0x1a, 0x67, 0x61, 0x74, 0x65, 0x3a,
        0x20, 0x61, 0x70, 0x70, 0x72, 0x6f, 0x76, 0x61, 0x6c, 0x73, 0x3a, 0x70, 0x72, 0x6f, 0x64, 0x75, 0x63, 0x74,
        0x69, 0x6f, 0x6e, 0x00, 0x01, 0x14, 0x61, 0x70, 0x70, 0x72, 0x6f, 0x76, 0x61, 0x6c, 0x73, 0x3a, 0x70, 0x72,
        0x6f, 0x64, 0x75, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x01, 0x03, 0x70, 0x72, 0x65, 0x01, 0x06, 0x62, 0x61, 0x63,
        0x6b, 0x75, 0x70, 0x06, 0x42, 0x61, 0x63, 0x6b, 0x75, 0x70, 0x00, 0x01, 0x01, 0x0a, 0x70, 0x72, 0x6f, 0x64,
        0x75, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x04, 0x02, 0x05, 0x61, 0x6c, 0x69, 0x63, 0x65, 0x03, 0x62, 0x6f, 0x62,
        0x00,
    ]

    static let oldPolicy = DeployPolicy(
        strategy: "canary",
        stages: [StagePlan(id: "gate", summary: "gate: approvals:production", gate: [.approvals("production")])],
        checklists: [ChecklistPlan(id: "pre", items: [ChecklistItemPlan(id: "backup", text: "Backup", evidenceRequired: true)])],
        approvals: [ApprovalRule(scope: "production", required: 2, allowed: ["alice", "bob"])])

    func testARequestWrittenBeforeMetricThresholdsStillDecodes() throws {
        let decoded = try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1,
                                            bytes: Self.requestBeforeMetricThresholds)
        XCTAssertEqual(decoded, .deployRequested(environment: "production", version: "2.1.0", policy: Self.oldPolicy))
        guard case .deployRequested(_, _, let policy) = decoded else { return XCTFail("\(decoded)") }
        XCTAssertEqual(policy.metrics, [])
        // Today's encoder writes the same fields first, then the (here empty) metric list, the
        // stages' environments (one stage, deploying nowhere: "") and the frozen pipeline file's
        // name and text (both empty here), and the metrics' units (none).
        let today = EventCodec.encode(.deployRequested(environment: "production", version: "2.1.0", policy: Self.oldPolicy))
        XCTAssertEqual(today, Self.requestBeforeMetricThresholds + [0x00, 0x01, 0x00, 0x00, 0x00, 0x00])
    }

    func testTheFrozenPipelineFileRoundTrips() throws {
        var policy = Self.oldPolicy
        policy.pipelineFile = "/srv/app/gantry.yaml"
        policy.pipelineSource = "app: web\nimage: 127.0.0.1:5000/shop/web\n"
        let payload = EventPayload.deployRequested(environment: "production", version: "2.1.0", policy: policy)
        XCTAssertEqual(try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1, bytes: EventCodec.encode(payload)),
                       payload)
    }

    func testMetricThresholdsRoundTripAndAreAppendedLast() throws {
        var policy = Self.oldPolicy
        policy.metrics = [MetricPlan(name: "error-rate", warn: 0.01, critical: 0.05, unit: .ratio),
                          MetricPlan(name: "ready", critical: 1, lowerIsWorse: true, unit: .count),
                          MetricPlan(name: "restarts")]
        let payload = EventPayload.deployRequested(environment: "production", version: "2.1.0", policy: policy)
        let bytes = EventCodec.encode(payload)
        XCTAssertEqual(try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1, bytes: bytes), payload)
        XCTAssertEqual(Array(bytes.prefix(Self.requestBeforeMetricThresholds.count)), Self.requestBeforeMetricThresholds)
        var tail: [UInt8] = [0x03, 0x0a] + Array("error-rate".utf8) + [0x03]
        tail += withUnsafeBytes(of: (0.01).bitPattern.littleEndian, Array.init)
        tail += withUnsafeBytes(of: (0.05).bitPattern.littleEndian, Array.init)
        tail += [0x05] + Array("ready".utf8) + [0x06] + withUnsafeBytes(of: (1.0).bitPattern.littleEndian, Array.init)
        tail += [0x08] + Array("restarts".utf8) + [0x00]
        tail += [0x01, 0x00]  // the stages' environments
        tail += [0x00, 0x00]  // the frozen pipeline file's name and text
        tail += [0x03, 0x05] + Array("ratio".utf8) + [0x05] + Array("count".utf8) + [0x00]  // the units
        XCTAssertEqual(Array(bytes.dropFirst(Self.requestBeforeMetricThresholds.count)), tail)
        // Written before units were frozen: the same metrics with none.
        let older = try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1, bytes: Array(bytes.dropLast(14)))
        guard case .deployRequested(_, _, let decoded) = older else { return XCTFail("\(older)") }
        XCTAssertEqual(decoded.metrics.map(\.unit), [MetricUnit.none, .none, .none])
        // A list cut inside a metric is an error, not a policy without it.
        XCTAssertThrowsError(try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1,
                                                   bytes: Array(bytes.dropLast(3))))
    }

    func testStageEnvironmentsRoundTripAndOlderPoliciesHaveNone() throws {
        var policy = Self.oldPolicy
        policy.stages = [StagePlan(id: "staging", summary: "deploy staging (rolling)", environment: "staging"),
                         StagePlan(id: "gate", summary: "gate", needs: ["staging"], gate: [.approvals("production")]),
                         StagePlan(id: "production", summary: "deploy production (canary)", needs: ["gate"], environment: "production")]
        let payload = EventPayload.deployRequested(environment: "production", version: "2.1.0", policy: policy)
        let bytes = EventCodec.encode(payload)
        XCTAssertEqual(try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1, bytes: bytes), payload)
        XCTAssertEqual(Array(bytes.suffix(24)), [0x03, 0x07] + Array("staging".utf8) + [0x00, 0x0a] + Array("production".utf8)
                       + [0x00, 0x00, 0x00])
        // Written before stage environments were frozen: the same policy without them.
        let older = try EventCodec.decode(kind: EventKind.deployRequested.rawValue, schema: 1, bytes: Array(bytes.dropLast(24)))
        guard case .deployRequested(_, _, let decoded) = older else { return XCTFail("\(older)") }
        XCTAssertEqual(decoded.stages.map(\.environment), [nil, nil, nil])
        XCTAssertEqual(decoded.stages.map(\.id), ["staging", "gate", "production"])
    }

    func testHugeLengthsAreRejected() {
        let bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        XCTAssertThrowsError(try EventCodec.decode(kind: EventKind.stageQueued.rawValue, schema: 1, bytes: bytes)) {
            XCTAssertEqual($0 as? CodecError, .badLength(offset: 5))
        }
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }
}

