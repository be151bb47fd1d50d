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
