import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// The exact state after each event of a deploy's life.
final class ReducerDeployTests: XCTestCase {
    private let id = Fixtures.deploy

    func testRequestCreatesDeployAndEnvironment() {
        let t = ReducerTester()
        let time = t.nextTime
        t.send(Fixtures.request, deploy: id, actor: "alice") {
            var deploy = DeployState(id: self.id, environment: "production", version: "2.1.0", policy: Fixtures.policy,
                                     requestedBy: "alice", requestedAt: time, rollbackTarget: nil, logCapacity: 1000)
            deploy.audit = [AuditEntry(seq: 1, time: time, actor: "alice", kind: .deployRequested,
                                       text: "requested 2.1.0 to production")]
            $0.deploys[self.id] = deploy
            var env = EnvironmentState(name: "production")
            env.deploys = [self.id]
            env.activeDeploy = self.id
            $0.environments["production"] = env
        }
        XCTAssertEqual(t.state.deploys[id]?.stages.map(\.id), ["build", "staging", "prod-gate", "production"])
        XCTAssertEqual(t.state.deploys[id]?.stages.map(\.status), [.pending, .pending, .pending, .pending])
    }

    func testStageLifecycle() {
        let t = ReducerTester()
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        var startTime = t.nextTime
        t.send(.deployStarted, deploy: id) {
            $0.deploys[self.id]?.status = .running
            $0.deploys[self.id]?.startedAt = startTime
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 2, time: startTime, actor: "executor",
                                                         kind: .deployStarted, text: "started deploy"))
        }
        t.send(.stageQueued(stage: "build"), deploy: id) { $0.deploys[self.id]?.stages[0].status = .queued }
        startTime = t.nextTime
        t.send(.stageStarted(stage: "build", command: ["docker", "build", "-t", "web:2.1.0", "."]), deploy: id) {
            $0.deploys[self.id]?.stages[0].status = .running
            $0.deploys[self.id]?.stages[0].startedAt = startTime
            $0.deploys[self.id]?.stages[0].command = ["docker", "build", "-t", "web:2.1.0", "."]
        }
        t.send(.stageProgressed(stage: "build", done: 4, total: 7, label: "build step 4/7"), deploy: id) {
            $0.deploys[self.id]?.stages[0].progress = StageProgress(done: 4, total: 7, label: "build step 4/7")
        }
        t.send(.stageLogged(stage: "build", stream: .stdout, line: "Step 4/7 : RUN make"), deploy: id) {
            $0.deploys[self.id]?.stages[0].log.append(LogRing.Line(seq: 6, stream: .stdout, text: "Step 4/7 : RUN make"))
        }
        let endTime = t.nextTime
        t.send(.stageFailed(stage: "build", reason: "exit status 2"), deploy: id) {
            $0.deploys[self.id]?.stages[0].status = .failed
            $0.deploys[self.id]?.stages[0].reason = "exit status 2"
            $0.deploys[self.id]?.stages[0].finishedAt = endTime
        }
        XCTAssertEqual(t.state.deploys[id]?.stages[0].duration(now: .distantFuture), 3)
        t.send(.stageSkipped(stage: "staging", reason: "build failed"), deploy: id) {
            $0.deploys[self.id]?.stages[1].status = .skipped
            $0.deploys[self.id]?.stages[1].reason = "build failed"
            $0.deploys[self.id]?.stages[1].finishedAt = t.start.addingTimeInterval(8)
        }
        let finishTime = t.nextTime
        t.send(.deployFinished(outcome: .failed, reason: "stage build failed"), deploy: id) {
            $0.deploys[self.id]?.status = .failed
            $0.deploys[self.id]?.finishedAt = finishTime
            $0.deploys[self.id]?.outcomeReason = "stage build failed"
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 9, time: finishTime, actor: "executor",
                                                         kind: .deployFinished, text: "deploy failed: stage build failed"))
            $0.environments["production"]?.activeDeploy = nil
        }
        XCTAssertNil(t.state.environments["production"]?.currentVersion, "a failed deploy is not live")
    }

    /// Output past a stage's budget: one marker line where it was cut, updated in place by each
    /// later count, and the stored tail after it.
    func testOmittedOutputIsOneMarkerLineUpdatedInPlace() {
        let t = ReducerTester()
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        t.fold(.stageLogged(stage: "build", stream: .stdout, line: "first"), deploy: id)
        t.send(.stageOutputOmitted(stage: "build", lines: 10, bytes: 2048), deploy: id) {
            $0.deploys[self.id]?.stages[0].log.append(LogRing.Line(seq: 3, stream: .system,
                                                                   text: "… 10 lines (2.0 KB) of output not stored …"))
            $0.deploys[self.id]?.stages[0].omittedOutput = OmittedOutput(lines: 10, bytes: 2048, markerSeq: 3)
        }
        t.send(.stageOutputOmitted(stage: "build", lines: 1_204_311, bytes: 188_978_121), deploy: id) {
            $0.deploys[self.id]?.stages[0].log.replaceLast(
                LogRing.Line(seq: 4, stream: .system, text: "… 1,204,311 lines (180.2 MB) of output not stored …"))
            $0.deploys[self.id]?.stages[0].omittedOutput = OmittedOutput(lines: 1_204_311, bytes: 188_978_121, markerSeq: 4)
        }
        t.fold(.stageLogged(stage: "build", stream: .stdout, line: "last"), deploy: id)
        XCTAssertEqual(t.state.deploys[id]?.stages[0].log.lines.map(\.text),
                       ["first", "… 1,204,311 lines (180.2 MB) of output not stored …", "last"])
        XCTAssertEqual(t.state.deploys[id]?.stages[0].log.totalCount, 3)
    }

    func testUnknownStageIsAddedNotDropped() {
        let t = ReducerTester()
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        t.send(.stageLogged(stage: "hotfix", stream: .stderr, line: "warn"), deploy: id) {
            var stage = StageState(id: "hotfix")
            stage.log.append(LogRing.Line(seq: 2, stream: .stderr, text: "warn"))
            $0.deploys[self.id]?.stages.append(stage)
        }
    }

    func testEventsOfUnknownDeployChangeNothingButCounters() {
        let t = ReducerTester()
        t.send(.stageStarted(stage: "build", command: []), deploy: DeployID("ghost")) { _ = $0 }
        t.send(.approvalGiven(scope: "production", comment: ""), deploy: DeployID("ghost"), actor: "bob") { _ = $0 }
        t.send(.unrecognized(kind: 999, bytes: [1, 2, 3]), deploy: id) { _ = $0 }
        XCTAssertTrue(t.state.deploys.isEmpty)
    }

    func testSuccessRecordsKnownGoodAndRollbackTarget() {
        let t = ReducerTester()
        let first = DeployID("p-1"), second = DeployID("p-2")
        let request = { (version: String) in
            EventPayload.deployRequested(environment: "production", version: version, policy: .empty)
        }
        t.fold(request("1.0.0"), deploy: first, actor: "alice")
        t.send(.deployFinished(outcome: .succeeded, reason: ""), deploy: first) {
            $0.deploys[first]?.status = .succeeded
            $0.deploys[first]?.finishedAt = t.start.addingTimeInterval(2)
            $0.deploys[first]?.audit.append(AuditEntry(seq: 2, time: t.start.addingTimeInterval(2), actor: "executor",
                                                       kind: .deployFinished, text: "deploy succeeded"))
            $0.environments["production"]?.activeDeploy = nil
        }
        XCTAssertNil(t.state.environments["production"]?.currentVersion, "what runs comes from the environment's stream only")
        t.fold(.environmentObserved(environment: "production", cause: .deployed, live: Fixtures.live("1.0.0", revision: 1),
                                    deploy: first, drift: ""), deploy: .environment("production"))
        t.fold(.environmentVerified(environment: "production", version: "1.0.0", deploy: first), deploy: .environment("production"))
        XCTAssertNil(t.state.environments["production"]?.rollbackTarget, "nothing to go back to yet")
        t.fold(request("2.0.0"), deploy: second, actor: "alice")
        XCTAssertEqual(t.state.deploys[second]?.rollbackTarget, "1.0.0")
        t.fold(.environmentObserved(environment: "production", cause: .deployed, live: Fixtures.live("2.0.0", revision: 2),
                                    deploy: second, drift: ""), deploy: .environment("production"))
        t.fold(.environmentVerified(environment: "production", version: "2.0.0", deploy: second), deploy: .environment("production"))
        t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: second)
        XCTAssertEqual(t.state.environments["production"]?.currentVersion, "2.0.0")
        XCTAssertEqual(t.state.environments["production"]?.knownGood, ["1.0.0", "2.0.0"])
        XCTAssertEqual(t.state.environments["production"]?.rollbackTarget, "1.0.0")
        XCTAssertEqual(t.state.environments["production"]?.deploys, [first, second])
    }
}
