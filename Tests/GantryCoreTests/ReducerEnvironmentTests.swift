import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// What runs where comes from the environment's own stream only: `environment.observed` (what
/// kubectl showed after a deploy, a rollback or a reconcile) and `environment.verified`.
final class ReducerEnvironmentTests: XCTestCase {
    private let staging = DeployID.environment("staging")
    private let first = DeployID("staging-2.0.0-1"), second = DeployID("staging-2.1.0-2")

    private func requested(_ t: ReducerTester, _ id: DeployID, _ version: String) {
        t.fold(.deployRequested(environment: "staging", version: version, policy: .empty), deploy: id, actor: "dave")
    }

    func testADeployObservedVerifiedAndFinished() {
        let t = ReducerTester()
        requested(t, first, "2.0.0")
        let seen = t.nextTime
        t.send(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.0.0", revision: 4),
                                    deploy: first, drift: ""), deploy: staging) {
            $0.environments["staging"]?.live = Fixtures.live("2.0.0", revision: 4)
            $0.environments["staging"]?.liveCause = .deployed
            $0.environments["staging"]?.liveSince = seen
            $0.environments["staging"]?.liveBy = self.first
            $0.environments["staging"]?.expected = Fixtures.live("2.0.0", revision: 4)
            $0.environments["staging"]?.observedAt = seen
            $0.environments["staging"]?.streamVersion = 1
        }
        XCTAssertEqual(t.state.environments["staging"]?.currentVersion, "2.0.0")
        XCTAssertEqual(t.state.environments["staging"]?.knownGood, [], "live is not yet verified")
        t.send(.environmentVerified(environment: "staging", version: "2.0.0", deploy: first), deploy: staging) {
            $0.environments["staging"]?.knownGood = ["2.0.0"]
            $0.environments["staging"]?.verifiedBy = ["2.0.0": self.first]
            $0.environments["staging"]?.streamVersion = 2
        }
        let end = t.nextTime
        t.send(.deployFinished(outcome: .succeeded, reason: ""), deploy: first) {
            $0.deploys[self.first]?.status = .succeeded
            $0.deploys[self.first]?.finishedAt = end
            $0.deploys[self.first]?.audit.append(AuditEntry(seq: 4, time: end, actor: "executor", kind: .deployFinished,
                                                            text: "deploy succeeded"))
            $0.environments["staging"]?.activeDeploy = nil
        }
    }

    /// A failed deploy that changed the cluster still shows what runs: the truth, not the hope.
    func testAFailedDeployThatChangedTheClusterIsLiveButNotKnownGood() {
        let t = ReducerTester()
        requested(t, first, "2.0.0")
        t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.0.0", revision: 4),
                                    deploy: first, drift: ""), deploy: staging)
        t.fold(.environmentVerified(environment: "staging", version: "2.0.0", deploy: first), deploy: staging)
        t.fold(.deployFinished(outcome: .succeeded, reason: ""), deploy: first)
        requested(t, second, "2.1.0")
        XCTAssertEqual(t.state.deploys[second]?.rollbackTarget, "2.0.0")
        t.fold(.environmentObserved(environment: "staging", cause: .deployed,
                                    live: LiveState(version: "2.1.0", image: "registry.local/shop/web:2.1.0", revision: 5,
                                                    ready: 1, desired: 3), deploy: second, drift: ""), deploy: staging)
        t.fold(.deployFinished(outcome: .failed, reason: "progress deadline exceeded"), deploy: second)
        let env = t.state.environments["staging"]
        XCTAssertEqual(env?.currentVersion, "2.1.0")
        XCTAssertEqual(env?.live?.summary, "2.1.0 (revision 5, 1/3 ready)")
        XCTAssertEqual(env?.knownGood, ["2.0.0"])
        XCTAssertEqual(env?.rollbackTarget, "2.0.0")
    }

    func testARollbackObservationDropsTheVersionFromKnownGood() {
        let t = ReducerTester()
        requested(t, first, "2.0.0")
        t.fold(.environmentVerified(environment: "staging", version: "2.0.0", deploy: first), deploy: staging)
        requested(t, second, "2.1.0")
        t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.1.0", revision: 5),
                                    deploy: second, drift: ""), deploy: staging)
        t.fold(.environmentVerified(environment: "staging", version: "2.1.0", deploy: second), deploy: staging)
        XCTAssertEqual(t.state.environments["staging"]?.knownGood, ["2.0.0", "2.1.0"])
        let back = t.nextTime
        t.send(.environmentObserved(environment: "staging", cause: .rolledBack, live: Fixtures.live("2.0.0", revision: 6),
                                    deploy: second, drift: ""), deploy: staging) {
            $0.environments["staging"]?.live = Fixtures.live("2.0.0", revision: 6)
            $0.environments["staging"]?.liveCause = .rolledBack
            $0.environments["staging"]?.liveSince = back
            $0.environments["staging"]?.expected = Fixtures.live("2.0.0", revision: 6)
            $0.environments["staging"]?.observedAt = back
            $0.environments["staging"]?.knownGood = ["2.0.0"]
            $0.environments["staging"]?.verifiedBy = ["2.0.0": self.first]
            $0.environments["staging"]?.streamVersion = 4
        }
        XCTAssertNil(t.state.environments["staging"]?.rollbackTarget, "2.1.0 was rolled back: never a target again")
    }

    /// A reconcile that finds what Gantry left changes nothing but the time it was read; one
    /// that finds something else records the drift and forgets who put it there.
    func testReconcileMatchesOrDrifts() {
        let t = ReducerTester()
        requested(t, first, "2.0.0")
        t.fold(.environmentObserved(environment: "staging", cause: .deployed, live: Fixtures.live("2.0.0", revision: 4),
                                    deploy: first, drift: ""), deploy: staging)
        let since = t.state.environments["staging"]?.liveSince
        let read = t.nextTime
        t.send(.environmentObserved(environment: "staging", cause: .reconciled, live: Fixtures.live("2.0.0", revision: 4),
                                    deploy: DeployID(""), drift: ""), deploy: staging) {
            $0.environments["staging"]?.liveCause = .reconciled
            $0.environments["staging"]?.observedAt = read
            $0.environments["staging"]?.streamVersion = 2
        }
        XCTAssertEqual(t.state.environments["staging"]?.liveSince, since)
        let bad = Fixtures.live("2.0.0-bad", revision: 5)
        let env = t.state.environments["staging"]!
        XCTAssertEqual(env.drift(from: bad), "staging runs 2.0.0-bad, not what Gantry deployed (2.0.0)")
        XCTAssertEqual(env.drift(from: Fixtures.live("2.0.0", revision: 7)),
                       "staging is at revision 7, Gantry left revision 4 (changed outside Gantry, e.g. a restart or an edit)")
        XCTAssertEqual(env.drift(from: Fixtures.live("2.0.0", revision: 4, detail: "colour green")),
                       "staging shows colour green, Gantry left none")
        XCTAssertNil(env.drift(from: LiveState(version: "2.0.0", image: "registry.local/shop/web:2.0.0", revision: 4, ready: 1, desired: 3)),
                     "pods coming and going are not drift")
        XCTAssertNil(EnvironmentState(name: "staging").drift(from: bad), "nothing to compare with before Gantry deployed")
        let drifted = t.nextTime
        t.send(.environmentObserved(environment: "staging", cause: .reconciled, live: bad, deploy: DeployID(""),
                                    drift: "staging runs 2.0.0-bad, not what Gantry deployed (2.0.0)"), deploy: staging) {
            $0.environments["staging"]?.live = bad
            $0.environments["staging"]?.liveSince = drifted
            $0.environments["staging"]?.liveBy = nil
            $0.environments["staging"]?.observedAt = drifted
            $0.environments["staging"]?.drift = "staging runs 2.0.0-bad, not what Gantry deployed (2.0.0)"
            $0.environments["staging"]?.streamVersion = 3
        }
        XCTAssertEqual(t.state.environments["staging"]?.expected, Fixtures.live("2.0.0", revision: 4), "drift is measured from Gantry's last act")
    }

    func testEnvironmentEventsRenderAsText() {
        XCTAssertEqual(EventPayload.environmentObserved(environment: "staging", cause: .deployed,
                                                               live: Fixtures.live("2.1.0", revision: 5, detail: "colour green"),
                                                               deploy: second, drift: "").summary,
                       "staging runs 2.1.0 (revision 5, colour green, 3/3 ready), deployed by staging-2.1.0-2")
        XCTAssertEqual(EventPayload.environmentObserved(environment: "staging", cause: .reconciled,
                                                               live: Fixtures.live("2.0.0-bad", revision: 6), deploy: DeployID(""),
                                                               drift: "staging runs 2.0.0-bad, not what Gantry deployed (2.1.0)").summary,
                       "staging runs 2.0.0-bad (revision 6, 3/3 ready) (reconciled) — DRIFT: staging runs 2.0.0-bad, not what "
                       + "Gantry deployed (2.1.0)")
        XCTAssertEqual(EventPayload.environmentVerified(environment: "staging", version: "2.1.0", deploy: second).summary,
                       "2.1.0 verified on staging by staging-2.1.0-2")
    }
}
