import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// Metrics, thresholds, rollback and leases: exact state after each event.
final class ReducerRollbackMetricTests: XCTestCase {
    private let id = Fixtures.deploy

    func testMetricSamplesAreBoundedAndThresholdsRecorded() {
        let t = ReducerTester(state: GantryState(logCapacity: 2, metricCapacity: 3))
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        let time = t.nextTime
        t.send(.metricSampled(metric: "error-rate", value: 0.01), deploy: id) {
            var series = MetricSeries(capacity: 3)
            series.append(MetricSeries.Sample(time: time, value: 0.01))
            $0.deploys[self.id]?.metrics["error-rate"] = series
            $0.deploys[self.id]?.metricOrder = ["error-rate"]
        }
        for value in [0.02, 0.03, 0.072] { t.fold(.metricSampled(metric: "error-rate", value: value), deploy: id) }
        let series = t.state.deploys[id]!.metrics["error-rate"]!
        XCTAssertEqual(series.samples.map(\.value), [0.02, 0.03, 0.072])
        XCTAssertEqual(series.totalCount, 4)
        XCTAssertEqual(series.latest, 0.072)
        let crossTime = t.nextTime
        t.send(.thresholdCrossed(metric: "error-rate", level: .critical, value: 0.072, threshold: 0.05), deploy: id) {
            $0.deploys[self.id]?.metrics["error-rate"]?.level = .critical
            $0.deploys[self.id]?.metrics["error-rate"]?.crossedThreshold = 0.05
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 6, time: crossTime, actor: "executor", kind: .thresholdCrossed,
                                                         text: "error-rate 0.072 crossed critical 0.05"))
        }
    }

    func testPolicyThresholdsAreInStateFromTheRequestOn() {
        var policy = Fixtures.policy
        policy.metrics = [MetricPlan(name: "error-rate", warn: 0.01, critical: 0.05),
                          MetricPlan(name: "ready", warn: 3, critical: 1, lowerIsWorse: true),
                          MetricPlan(name: "restarts")]
        let t = ReducerTester(state: GantryState(metricCapacity: 3))
        t.fold(.deployRequested(environment: "production", version: "2.1.0", policy: policy), deploy: id, actor: "alice")
        let deploy = t.state.deploys[id]!
        XCTAssertEqual(deploy.metricOrder, ["error-rate", "ready", "restarts"])
        XCTAssertEqual(deploy.metrics["error-rate"], MetricSeries(capacity: 3, plan: policy.metrics[0]))
        XCTAssertEqual(deploy.metrics["error-rate"]?.warn, 0.01)
        XCTAssertEqual(deploy.metrics["error-rate"]?.critical, 0.05)
        XCTAssertEqual(deploy.metrics["error-rate"]?.lowerIsWorse, false)
        XCTAssertEqual(deploy.metrics["ready"]?.lowerIsWorse, true)
        XCTAssertEqual(deploy.metrics["ready"]?.critical, 1)
        XCTAssertNil(deploy.metrics["restarts"]?.warn)
        XCTAssertEqual(deploy.metrics["error-rate"]?.samples, [])
        // Samples keep the thresholds; a metric the policy does not name gets none.
        let time = t.nextTime
        t.send(.metricSampled(metric: "error-rate", value: 0.02), deploy: id) {
            $0.deploys[self.id]?.metrics["error-rate"]?.append(MetricSeries.Sample(time: time, value: 0.02))
        }
        t.fold(.metricSampled(metric: "latency", value: 0.4), deploy: id)
        XCTAssertEqual(t.state.deploys[id]?.metricOrder, ["error-rate", "ready", "restarts", "latency"])
        XCTAssertNil(t.state.deploys[id]?.metrics["latency"]?.warn)
        XCTAssertEqual(t.state.deploys[id]?.metrics["error-rate"]?.warn, 0.01)
    }

    func testLogRingKeepsLastLinesAndTotal() {
        let t = ReducerTester(state: GantryState(logCapacity: 2))
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        for index in 1...5 { t.fold(.stageLogged(stage: "build", stream: .stdout, line: "line \(index)"), deploy: id) }
        let log = t.state.deploys[id]!.stages[0].log
        XCTAssertEqual(log.lines.map(\.text), ["line 4", "line 5"])
        XCTAssertEqual(log.totalCount, 5)
        XCTAssertEqual(log.droppedCount, 3)
    }

    func testRollbackFromRequestToFinish() {
        let t = ReducerTester()
        let previous = DeployID("production-2.0.0")
        t.fold(.deployRequested(environment: "production", version: "2.0.0", policy: .empty), deploy: previous, actor: "alice")
        t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: previous)
        t.fold(.environmentVerified(environment: "production", version: "2.0.0", deploy: previous), deploy: .environment("production"))
        t.fold(Fixtures.request, deploy: id, actor: "alice")
        t.fold(.deployStarted, deploy: id)
        XCTAssertEqual(t.state.deploys[id]?.rollbackTarget, "2.0.0")
        let requestTime = t.nextTime
        t.send(.rollbackRequested(reason: "error-rate 7.2% > critical 5%"), deploy: id, actor: "oncall") {
            $0.deploys[self.id]?.rollback = RollbackState(requestedBy: "oncall", requestedAt: requestTime,
                                                          reason: "error-rate 7.2% > critical 5%")
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 6, time: requestTime, actor: "oncall", kind: .rollbackRequested,
                                                         text: "requested rollback: error-rate 7.2% > critical 5%"))
        }
        let startTime = t.nextTime
        t.send(.rollbackStarted(targetVersion: "2.0.0", method: "scale deployment/web-canary to 0"), deploy: id) {
            $0.deploys[self.id]?.rollback?.targetVersion = "2.0.0"
            $0.deploys[self.id]?.rollback?.method = "scale deployment/web-canary to 0"
            $0.deploys[self.id]?.rollback?.startedAt = startTime
            $0.deploys[self.id]?.status = .rollingBack
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 7, time: startTime, actor: "executor", kind: .rollbackStarted,
                                                         text: "rollback to 2.0.0 started (scale deployment/web-canary to 0)"))
        }
        let endTime = t.nextTime
        t.send(.rollbackFinished(succeeded: true, version: "2.0.0", reason: ""), deploy: id) {
            $0.deploys[self.id]?.rollback?.finishedAt = endTime
            $0.deploys[self.id]?.rollback?.succeeded = true
            $0.deploys[self.id]?.status = .rolledBack
            $0.deploys[self.id]?.audit.append(AuditEntry(seq: 8, time: endTime, actor: "executor", kind: .rollbackFinished,
                                                         text: "rolled back to 2.0.0"))
        }
    }

    func testLeaseAcquireAndRelease() {
        let t = ReducerTester()
        let stream = DeployID("lease:production")
        let expires = Date(timeIntervalSince1970: 1_900_000_000)
        let time = t.nextTime
        t.send(.leaseAcquired(environment: "production", holder: "executor@host:42", expires: expires), deploy: stream) {
            var env = EnvironmentState(name: "production")
            env.lease = Lease(holder: "executor@host:42", acquiredAt: time, expires: expires)
            $0.environments["production"] = env
        }
        t.send(.leaseReleased(environment: "production", holder: "someone-else"), deploy: stream) { _ = $0 }
        t.send(.leaseReleased(environment: "production", holder: "executor@host:42"), deploy: stream) {
            $0.environments["production"]?.lease = nil
        }
    }
}
