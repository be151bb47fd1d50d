import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// The snapshot's binary state: what is written is what is read, folding on from a decoded
/// state is folding on from the original, bad bytes throw, and a state type that gains a field
/// fails here until the codec writes it.
final class StateCodecTests: XCTestCase {
    /// Two deploys through most of what can happen: a production deploy with every kind of
    /// event (ticks, approvals, an override, metrics crossing, a rollback, a lease), and a
    /// staging deploy cancelled mid-way, with rings small enough to wrap.
    private func richState() -> ReducerTester {
        let tester = ReducerTester(state: GantryState(logCapacity: 3, metricCapacity: 2))
        let production = DeployID("production-2.1.0-1")
        let staging = DeployID("staging-2.1.0-1")
        for (index, payload) in EventSamples.everyKind.enumerated() {
            tester.fold(payload, deploy: production, actor: index % 2 == 0 ? "ana" : "executor")
        }
        tester.fold(.stageLogged(stage: "build", stream: .stdout, line: "one"), deploy: production)
        tester.fold(.stageLogged(stage: "build", stream: .system, line: "two ✓"), deploy: production)
        tester.fold(.stageLogged(stage: "build", stream: .stderr, line: "three"), deploy: production)
        tester.fold(.metricSampled(metric: "latency", value: 0.2), deploy: production)
        tester.fold(.metricSampled(metric: "latency", value: 0.3), deploy: production)
        tester.fold(.metricSampled(metric: "latency", value: .infinity), deploy: production)
        tester.fold(.gateOpened(gate: "deploy", overrideReason: "incident 42: hotfix"), deploy: production, actor: "ben")
        tester.fold(.deployFinished(outcome: .rolledBack, reason: "error rate above 5%"), deploy: production)
        tester.fold(.deployRequested(environment: "staging", version: "2.1.0", policy: Fixtures.policy), deploy: staging, actor: "ana")
        tester.fold(.environmentClaimed(environment: "staging", deploy: staging, version: "2.1.0"), deploy: .environment("staging"))
        tester.fold(.leaseAcquired(environment: "staging", holder: "executor@ci:7", expires: tester.nextTime.addingTimeInterval(60)),
                    deploy: .environment("staging"))
        tester.fold(.deployStarted, deploy: staging)
        tester.fold(.stageStarted(stage: "build", command: ["docker", "build", "."]), deploy: staging)
        tester.fold(.stageProgressed(stage: "build", done: 1, total: 4, label: "layers"), deploy: staging)
        tester.fold(.checklistItemTicked(checklist: "pre-deploy", item: "review", note: "PR 12"), deploy: staging, actor: "carol")
        tester.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 3),
                                         deploy: staging, drift: ""), deploy: .environment("staging"))
        tester.fold(.environmentVerified(environment: "staging", version: "2.1.0", deploy: staging), deploy: .environment("staging"))
        tester.fold(.cancelRequested(reason: "wrong version"), deploy: staging, actor: "ana")
        return tester
    }

    private func roundTrip(_ state: GantryState) throws -> GantryState {
        let bytes = StateCodec.encode(state)
        return try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws -> GantryState in
            try StateCodec.decode(buffer)
        }
    }

    func testWhatIsWrittenIsRead() throws {
        let state = richState().state
        XCTAssertEqual(state.deploys.count, 2)
        XCTAssertNotNil(state.deploys[DeployID("production-2.1.0-1")]?.rollback)
        XCTAssertNotNil(state.deploys[DeployID("staging-2.1.0-1")]?.cancelRequest)
        XCTAssertNotNil(state.environments["staging"]?.lease)
        let decoded = try roundTrip(state)
        XCTAssertEqual(decoded, state, ReducerTester.diff(state, decoded))
        XCTAssertEqual(StateCodec.encode(decoded), StateCodec.encode(state), "encoding is deterministic")
    }

    func testFoldingOnFromADecodedStateIsFoldingOnFromTheOriginal() throws {
        let tester = richState()
        var decoded = try roundTrip(tester.state)
        // Wrapped rings keep their order and drop the right line and sample next.
        let more = [
            tester.fold(.stageLogged(stage: "build", stream: .stdout, line: "four"), deploy: DeployID("production-2.1.0-1")),
            tester.fold(.metricSampled(metric: "latency", value: 0.1), deploy: DeployID("production-2.1.0-1")),
            tester.fold(.stageLogged(stage: "build", stream: .stdout, line: "five"), deploy: DeployID("staging-2.1.0-1")),
            tester.fold(.deployFinished(outcome: .cancelled, reason: "wrong version"), deploy: DeployID("staging-2.1.0-1")),
        ]
        for event in more { Reducer.reduce(into: &decoded, event) }
        XCTAssertEqual(decoded, tester.state, ReducerTester.diff(tester.state, decoded))
        XCTAssertEqual(decoded.deploys[DeployID("production-2.1.0-1")]?.stage("build")?.log.lines.map(\.text), ["two ✓", "three", "four"])
    }

    func testDeploysUnderOnePipelineShareItsPolicy() throws {
        func state(source: String) -> GantryState {
            var policy = Fixtures.policy
            policy.pipelineSource = source
            let tester = ReducerTester()
            for index in 0..<100 {
                tester.fold(.deployRequested(environment: "staging", version: "1.\(index).0", policy: policy),
                            deploy: DeployID("staging-1.\(index).0-1"))
            }
            return tester.state
        }
        let source = String(repeating: "# a pipeline file of 4 KB\n", count: 160)
        let withFile = StateCodec.encode(state(source: source)).count
        let without = StateCodec.encode(state(source: "")).count
        XCTAssertEqual(withFile - without, source.utf8.count + 1, "the pipeline file is written once, not per deploy")
        let decoded = try roundTrip(state(source: source))
        XCTAssertEqual(decoded, state(source: source))
    }

    func testBadBytesThrowAndNeverTrap() throws {
        let bytes = StateCodec.encode(richState().state)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            XCTAssertThrowsError(try Array(bytes[..<cut]).withUnsafeBytes { try StateCodec.decode($0) }, "cut at \(cut)")
        }
        XCTAssertThrowsError(try (bytes + [0]).withUnsafeBytes { try StateCodec.decode($0) }, "trailing bytes")
        var flipped = bytes
        for position in stride(from: 0, to: flipped.count, by: 7) { flipped[position] ^= 0xA5 }
        // Garbled bytes may decode to something or throw, but never trap.
        _ = try? flipped.withUnsafeBytes { try StateCodec.decode($0) }
    }

    /// A stored property the codec does not know would be silently dropped from every snapshot:
    /// when one is added, write and read it in `StateCodec`, then list it here.
    func testTheCodecKnowsEveryStoredProperty() {
        let tester = richState()
        let state = tester.state
        let deploy = state.deploys[DeployID("production-2.1.0-1")]!
        let staging = state.deploys[DeployID("staging-2.1.0-1")]!
        let environment = state.environments["staging"]!
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        let expected: [(Any, [String])] = [
            (state, ["lastSeq", "eventCount", "environments", "deploys", "logCapacity", "metricCapacity"]),
            (state.deploys, ["list", "index", "lastID", "lastPosition"]),
            (environment, ["name", "live", "liveCause", "liveSince", "liveBy", "expected", "observedAt", "drift", "knownGood",
                           "verifiedBy", "activeDeploy", "deploys", "lease", "streamVersion"]),
            (environment.live!, ["version", "image", "revision", "ready", "desired", "detail"]),
            (environment.lease!, ["holder", "acquiredAt", "expires"]),
            (deploy, ["id", "environment", "version", "policy", "requestedBy", "requestedAt", "status", "streamVersion",
                      "startedAt", "finishedAt", "outcomeReason", "stages", "checklists", "approvals", "openedGates", "overrides",
                      "metrics", "metricOrder", "rollback", "cancelRequest", "audit", "rollbackTarget"]),
            (deploy.stages[0], ["id", "summary", "needs", "status", "startedAt", "finishedAt", "command", "progress", "reason",
                                "log", "omittedOutput"]),
            (deploy.stages[0].log, ["capacity", "totalCount", "storage", "head"]),
            (deploy.stages[0].log.lines[0], ["seq", "stream", "text"]),
            (staging.stages[0].progress!, ["done", "total", "label"]),
            (deploy.stages[0].omittedOutput!, ["lines", "bytes", "markerSeq"]),
            (deploy.checklists[0], ["id", "items"]),
            (deploy.checklists[0].items[0], ["spec", "done", "by", "at", "evidence", "verificationFailed"]),
            (deploy.overrides.values.first!, ["by", "at", "reason"]),
            (deploy.metrics.values.first!, ["capacity", "totalCount", "level", "crossedThreshold", "warn", "critical",
                                            "lowerIsWorse", "unit", "storage", "head"]),
            (deploy.metrics.values.first!.samples[0], ["time", "value"]),
            (deploy.rollback!, ["requestedBy", "requestedAt", "reason", "targetVersion", "method", "startedAt", "finishedAt",
                                "succeeded"]),
            (staging.cancelRequest!, ["by", "at", "reason"]),
            (deploy.audit[0], ["seq", "time", "actor", "kind", "text"]),
            (Approval(scope: "s", by: "b", at: Date(), comment: ""), ["scope", "by", "at", "comment"]),
        ]
        for (value, names) in expected {
            XCTAssertEqual(labels(value), names, "\(type(of: value)) changed: teach StateCodec the new field, then list it here")
        }
    }
}
