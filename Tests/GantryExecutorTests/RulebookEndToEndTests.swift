import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// The rulebook as users meet it, on the real `gantry` binary against `gantry sim`: racing
/// deploys, cancel, override, a second rollback, and who acts when USER is unset.
final class RulebookEndToEndTests: XCTestCase {
    /// Pods ready after a second: a deploy is still running when a racing request decides.
    static let slowScenario = """
    {"namespaces": ["web"], "timing": {"scheduleSeconds": 0.05, "startSeconds": 0.1, "readySeconds": 0.6,
     "terminateSeconds": 0.1, "crashBackoffSeconds": 0.3}}
    """

    private func stagingPipeline(gate: Bool = false) -> String {
        """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        \(gate ? "    approvals: { required: 1, from: [bob] }" : "")
        stages:
        \(gate ? "  - { id: gate, gate: [approvals:staging] }\n  - { id: staging, deploy: staging, needs: [gate] }"
                : "  - { id: staging, deploy: staging }")
        """
    }

    /// Two `gantry deploy` of different versions to one environment, started together, 20 times:
    /// exactly one is accepted each time, the other is refused naming what holds the environment,
    /// and nothing of the loser is left behind.
    func testRacingDeploysAreNeverBothAccepted() throws {
        let world = try World(scenario: Self.slowScenario)
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline())
        var accepted: [String] = []
        for round in 0..<20 {
            let versions = ["1.\(round).1", "1.\(round).2"]
            let results = Locked<[Int: BuiltBinary.Result]>([:])
            let (environment, directory) = (world.environment, world.directory)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let result = try? BuiltBinary.run("gantry", ["deploy", "staging", "--version", versions[index], "--headless"],
                                                  environment: environment, directory: directory)
                results.withLock { $0[index] = result }
            }
            let both = results.withLock { $0 }
            let winners = both.filter { $0.value.status == 0 }
            let losers = both.filter { $0.value.status != 0 }
            XCTAssertEqual(winners.count, 1, "round \(round): \(both.mapValues { $0.stdout + $0.stderr })")
            for (_, loser) in losers {
                XCTAssertEqual(loser.status, 1)
                XCTAssertTrue(loser.stderr.contains("staging already has a deploy in progress: staging-1.\(round).")
                              || loser.stderr.contains("staging is being deployed by executor@"), loser.stderr)
            }
            if let winner = winners.first { accepted.append(versions[winner.key]) }
        }
        let state = try world.state()
        let deploys = state.deploys.filter { $0.environment == "staging" }
        XCTAssertEqual(deploys.map(\.version), accepted, "only the accepted requests are in the log")
        XCTAssertEqual(deploys.filter { $0.status != .succeeded }.map(\.id), [], "no loser left requested")
        XCTAssertFalse(deploys.contains { $0.stage("lease") != nil }, "no phantom lease stage")
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:\(accepted.last ?? "")")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after 20 racing pairs")
    }

    /// With `gantry agent` running, `gantry deploy --headless` races it for the same request:
    /// whichever executor loses steps aside without a word in the deploy's log, and the headless
    /// command follows the deploy to its end and exits with its outcome, 10 times in a row.
    func testHeadlessDeployFollowsTheAgentThatRunsIt() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline())
        let agent = try world.startAgent(["--live-interval", "0"])
        defer {
            agent.terminate()
            agent.waitUntilExit()
        }
        var followed = 0
        for round in 1...10 {
            let result = try world.gantry("deploy", "staging", "--version", "1.\(round).0", "--headless")
            XCTAssertEqual(result.status, 0, "round \(round):\n" + result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.contains("deploy staging-1.\(round).0-\(round): succeeded"), result.stdout)
            if result.stdout.contains("is run by executor@") { followed += 1 }
            // The agent and this command share the environment: the next round waits for its lease.
            XCTAssertTrue(try world.eventually { try world.state().environments["staging"]?.lease == nil })
        }
        let deploys = try world.state().deploys.filter { $0.environment == "staging" }
        XCTAssertEqual(deploys.map(\.status), Array(repeating: .succeeded, count: 10))
        XCTAssertFalse(deploys.contains { $0.stage("lease") != nil }, "no phantom lease stage")
        print("headless deploys that followed the agent: \(followed) of 10")
    }

    func testCancelStopsADeployWaitingAtItsGateAndOverrideOpensOne() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline(gate: true))
        let requested = try world.gantry("deploy", "staging", "--version", "1.1.0")
        XCTAssertEqual(requested.status, 0, requested.stderr)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("staging-1.1.0-1")]?.status == .running })

        let cancelled = try world.gantry("cancel", "staging", "--reason", "wrong version", "--actor", "carol")
        XCTAssertEqual(cancelled.status, 0, cancelled.stderr)
        XCTAssertTrue(cancelled.stdout.hasPrefix("cancel of staging-1.1.0-1 requested by carol; executor@"), cancelled.stdout)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("staging-1.1.0-1")]?.status == .cancelled })
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.1.0-1")])
        XCTAssertTrue(deploy.outcomeReason.hasPrefix("cancelled by carol: wrong version ("), deploy.outcomeReason)
        XCTAssertNil(deploy.rollback, "a cancel is not a rollback")
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0")
        let again = try world.gantry("cancel", "staging")
        XCTAssertEqual(again.stderr, "Error: no deploy to staging is in progress: nothing to cancel\n")
        // The executor gives the lease up just after it records the end; until then a new deploy is refused.
        XCTAssertTrue(try world.eventually { try world.state().environments["staging"]?.lease == nil })

        let second = try world.gantry("deploy", "staging", "--version", "1.2.0")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("staging-1.2.0-2")]?.status == .running })
        let noReason = try world.gantry("override", "staging")
        XCTAssertEqual(noReason.status, 1)
        XCTAssertTrue(noReason.stderr.contains("an override needs a reason"), noReason.stderr)
        let overridden = try world.gantry("override", "staging", "--reason", "sev1: checkout down", "--actor", "dave")
        XCTAssertEqual(overridden.stdout, "OVERRODE gate gate of staging-1.2.0-2 as dave: sev1: checkout down\n", overridden.stderr)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("staging-1.2.0-2")]?.status == .succeeded })
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.2.0")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the override")
        let shown = try world.gantry("show", "staging-1.2.0-2")
        XCTAssertTrue(shown.stdout.contains("dave") && shown.stdout.contains("OVERRODE gate gate: \"sev1: checkout down\""), shown.stdout)
    }

    func testASecondRollbackIsRefusedAndARolledBackVersionIsNoTarget() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline())
        for version in ["1.1.0", "1.2.0"] {
            let result = try world.gantry("deploy", "staging", "--version", version, "--headless")
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
        let first = try world.gantry("rollback", "staging", "--reason", "5xx")
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        let second = try world.gantry("rollback", "staging")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the first rollback")
        XCTAssertEqual(second.status, 1)
        XCTAssertEqual(second.stderr, "Error: staging-1.2.0-2 was already rolled back to 1.1.0 by alice; there is nothing newer on "
                       + "staging to undo\n")
        let state = try world.state()
        XCTAssertEqual(state.environments["staging"]?.knownGood, ["1.1.0"], "the rolled-back 1.2.0 is not known-good")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the refused second rollback")
    }

    /// 1.1.0 succeeds; 1.4.0-slow times out in Gantry but the cluster finishes it; 1.5.0 hits its
    /// progress deadline and is rolled back automatically. The rollback goes to the revision that
    /// ran the known-good 1.1.0 (not `rollout undo` to the previous revision, which is 1.4.0-slow),
    /// and what Gantry says matches what kubectl shows.
    func testARollbackLandsOnTheKnownGoodRevisionNotThePreviousOne() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        // This first file does not roll back a stuck rollout (a timeout is a progress failure
        // otherwise), so the cluster is left to finish 1.4.0-slow on its own.
        try world.writePipeline(stagingPipeline().replacingOccurrences(of: "deploy: staging }", with: "deploy: staging, timeout: 2s }")
            + "\nrollback: { automatic: [critical-metric] }\n")
        XCTAssertEqual(try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless").status, 0)
        let slow = try world.gantry("deploy", "staging", "--version", "1.4.0-slow", "--headless")
        XCTAssertEqual(slow.status, 1, slow.stdout + slow.stderr)
        let finished = try world.kubectl("--context", "staging", "-n", "web", "rollout", "status", "deployment/web", "--timeout=30s")
        XCTAssertEqual(finished.status, 0, "the cluster finished 1.4.0-slow: \(finished.stdout)\(finished.stderr)")
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.4.0-slow")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "1.4.0-slow timed out in Gantry, finished in the cluster")
        // The next request runs under a file without the 2 s stage timeout (the plan is frozen per
        // request), and a 3 s progress deadline: short for 1.5.0, long enough for the rollback's
        // own rollout (2 pods, 0.2 s each) to make progress within it.
        try world.writePipeline(stagingPipeline().replacingOccurrences(of: "deploy: staging }", with: "deploy: staging, timeout: 60s }"))
        let patched = try world.kubectl("--context", "staging", "-n", "web", "patch", "deployment", "web", "-p",
                                        #"{"spec":{"progressDeadlineSeconds":3}}"#)
        XCTAssertEqual(patched.status, 0, patched.stderr)

        let bad = try world.gantry("deploy", "staging", "--version", "1.5.0-neverready", "--headless")
        XCTAssertEqual(bad.status, 2, "rolled back:\n" + bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("rollout undo deployment/web --to-revision="), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("rolled back to 1.1.0"), bad.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0", "kubectl agrees with what Gantry says")
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.5.0-neverready-3")])
        XCTAssertEqual(deploy.rollback?.targetVersion, "1.1.0")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the automatic rollback to the known-good revision")
    }

    /// A rollout still not done at the stage's timeout is stuck: a progress failure, rolled back
    /// by the default policy to the known-good version (exit 2), and the status says so.
    func testAStuckRolloutIsRolledBackAtTheStageTimeout() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline().replacingOccurrences(of: "deploy: staging }", with: "deploy: staging, timeout: 2s }"))
        XCTAssertEqual(try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless").status, 0)
        let slow = try world.gantry("deploy", "staging", "--version", "1.4.0-slow", "--headless")
        XCTAssertEqual(slow.status, 2, slow.stdout + slow.stderr)
        XCTAssertTrue(slow.stdout.contains("rollout not complete within the stage's 2s timeout: "), slow.stdout)
        XCTAssertTrue(slow.stdout.contains("rolled back to 1.1.0"), slow.stdout)
        XCTAssertEqual(try world.kubectl("--context", "staging", "-n", "web", "rollout", "status", "deployment/web",
                                         "--timeout=30s").status, 0)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the stuck rollout was rolled back")
    }

    /// Staging deployed as a stage of a production deploy: under staging's own lease, and
    /// `gantry status` then says what kubectl says runs in each environment.
    func testStatusSaysWhatRunsAfterANestedStagingDeploy() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.createApp(context: "prod", replicas: 2)
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
          production:
            kube: { context: prod, namespace: web }
            strategy: rolling
        stages:
          - { id: staging, deploy: staging }
          - { id: production, deploy: production, needs: [staging] }
        """)
        XCTAssertEqual(try world.gantry("deploy", "staging", "--version", "2.0.0", "--headless").status, 0)
        let nested = try world.gantry("deploy", "production", "--version", "2.1.0", "--headless")
        XCTAssertEqual(nested.status, 0, nested.stdout + nested.stderr)

        let status = try world.gantry("status", "--json")
        XCTAssertEqual(status.status, 0, status.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        for (environment, context) in [("staging", "staging"), ("production", "prod")] {
            let row = try XCTUnwrap(rows.first { $0["environment"] as? String == environment })
            let live = try XCTUnwrap(row["live"] as? [String: Any])
            let image = try world.image(context: context)
            XCTAssertEqual("127.0.0.1:5000/shop/web:\(live["version"] as? String ?? "")", image, "\(environment): status agrees with kubectl")
            XCTAssertEqual(live["by"] as? String, "production-2.1.0-1")
        }
        let staging = try world.gantry("status", "staging")
        XCTAssertTrue(staging.stdout.hasPrefix("staging\n  live:        2.1.0 (revision 3, 2/2 ready) since "), staging.stdout)
        XCTAssertTrue(staging.stdout.contains(", deployed by production-2.1.0-1\n  read:        "), staging.stdout)
        XCTAssertTrue(staging.stdout.contains(" (deployed)\n  known-good:  2.1.0, 2.0.0\n"
                                              + "  rollback:    not now: staging runs 2.1.0 from production-2.1.0-1, which also changed "
                                              + "production; `gantry rollback production` rolls back both (production 2.1.0 → the previous "
                                              + "revision; staging 2.1.0 → 2.0.0)\n"
                                              + "  lease:       free\n  deploy:      none in progress"), staging.stdout)
        let store = try SQLiteEventStore(path: world.directory + "/.gantry/events.sqlite", readOnly: true)
        defer { store.close() }
        let holders = try store.readStream(DeployID("lease:staging")).compactMap { event -> String? in
            if case .leaseAcquired(_, let holder, _) = event.payload { return holder }
            return nil
        }
        XCTAssertEqual(holders.count, 2, "staging's lease was taken by its own deploy and by production's staging stage")
    }

    /// The plan is frozen into the request: after the executor dies and gantry.yaml is edited
    /// (here: the environment's kube context renamed to one that does not exist), `gantry resume`
    /// runs what was requested, not today's file.
    func testResumeAfterEditingThePipelineRunsWhatWasRequested() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline(gate: true))
        let requested = try world.gantry("deploy", "staging", "--version", "1.1.0")
        XCTAssertEqual(requested.status, 0, requested.stderr)
        let pid = try XCTUnwrap(requested.stdout.range(of: #"executor pid (\d+)"#, options: .regularExpression)
            .map { Int32(requested.stdout[$0].split(separator: " ").last!)! })
        world.adopt(pid)
        XCTAssertTrue(try world.eventually {
            try world.state().deploys[DeployID("staging-1.1.0-1")]?.stage("gate")?.status == .running
        })
        kill(pid, SIGKILL)
        try world.writePipeline(stagingPipeline(gate: true).replacingOccurrences(of: "context: staging", with: "context: renamed"))
        let approved = try world.gantry("approve", "staging", "--actor", "bob")
        XCTAssertEqual(approved.status, 0, approved.stderr)
        let resumed = try world.gantry("resume", "staging-1.1.0-1")
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("kubectl --context staging"), resumed.stdout)
        XCTAssertFalse(resumed.stdout.contains("--context renamed"), resumed.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the resume")
    }

    /// With no USER, LOGNAME or GANTRY_ACTOR (a container, a CI job), the actor is the login name
    /// of the process's user, never "unknown".
    func testWithUSERUnsetTheActorIsTheLoginName() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(stagingPipeline())
        var arguments = ["-u", "USER", "-u", "LOGNAME", "-u", "GANTRY_ACTOR"]
        arguments += world.environment.filter { $0.key != "GANTRY_ACTOR" }.map { "\($0.key)=\($0.value)" }
        arguments += [BuiltBinary.path("gantry"), "deploy", "staging", "--version", "1.1.0", "--headless"]
        let result = try BuiltBinary.runPath("/usr/bin/env", arguments, directory: world.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let name = String(cString: getpwuid(getuid()).pointee.pw_name)
        XCTAssertEqual(try world.state().deploys[DeployID("staging-1.1.0-1")]?.requestedBy, name)
        XCTAssertNotEqual(name, "unknown")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "deployed with USER unset")
    }
}

private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
