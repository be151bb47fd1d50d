import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// What Gantry says runs is what runs: after every step, `gantry status --json` names the
/// version, revision and colour kubectl shows (the real binary against `gantry sim`).
final class EnvironmentTruthEndToEndTests: XCTestCase {
    private let places: [String: World.Place] = ["staging": .init(context: "staging"), "production": .init(context: "prod")]

    /// staging → gate (bob approves) → production, both rolling.
    private let gatedPipeline = """
    app: web
    image: 127.0.0.1:5000/shop/web
    environments:
      staging:
        kube: { context: staging, namespace: web }
        strategy: rolling
      production:
        kube: { context: prod, namespace: web }
        strategy: rolling
        approvals: { required: 1, from: [bob] }
    stages:
      - { id: staging, deploy: staging }
      - { id: prod-gate, gate: [approvals:production], needs: [staging] }
      - { id: production, deploy: production, needs: [prod-gate] }
    """

    /// The demo's trap: production's deploy puts 2.0.0-bad on staging and waits at its gate. The
    /// status says so, `gantry rollback staging` rolls staging back to its own known-good 2.0.0
    /// (not "from 2.0.0 to 2.0.0"), a second one is refused, and a change made outside Gantry is
    /// found by `gantry reconcile` as drift.
    func testNestedStagingDeployRollbackAndDrift() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.createApp(context: "prod", replicas: 2)
        try world.writePipeline(gatedPipeline)

        let first = try world.gantry("reconcile")
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(first.stdout, "staging: runs 1.0.0 (revision 1, 2/2 ready)\nproduction: runs 1.0.0 (revision 1, 2/2 ready)\n")
        try world.assertStatusIsTheCluster(places, "after the first reconcile")

        let good = try world.gantry("deploy", "staging", "--version", "2.0.0", "--headless")
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        try world.assertStatusIsTheCluster(places, "after staging 2.0.0")

        let requested = try world.gantry("deploy", "production", "--version", "2.0.0-bad")
        XCTAssertEqual(requested.status, 0, requested.stdout + requested.stderr)
        let bad = DeployID("production-2.0.0-bad-1")
        XCTAssertTrue(try world.eventually { try world.state().deploys[bad]?.stage("prod-gate")?.status == .running })
        try world.assertStatusIsTheCluster(places, "production's deploy waiting at its gate")
        XCTAssertEqual(try world.statusLive()["staging"]?["by"] as? String, bad.rawValue)
        let shown = try world.gantry("status", "staging")
        XCTAssertTrue(shown.stdout.contains("  rollback:    to 2.0.0 ("), shown.stdout)

        let rollback = try world.gantry("rollback", "staging", "--reason", "500s on staging", "--actor", "erin")
        XCTAssertEqual(rollback.status, 0, rollback.stdout + rollback.stderr)
        XCTAssertTrue(rollback.stdout.hasPrefix("rollback of production-2.0.0-bad-1 requested; executor@"), rollback.stdout)
        XCTAssertTrue(try world.eventually { try world.state().deploys[bad]?.status == .rolledBack })
        XCTAssertTrue(try world.eventually { try world.state().environments["staging"]?.liveCause == .rolledBack })
        try world.assertStatusIsTheCluster(places, "after rolling staging back")
        XCTAssertEqual(try world.cluster(places["staging"]!).version, "2.0.0")
        XCTAssertEqual(try world.cluster(places["production"]!).version, "1.0.0", "production was never touched")
        let deploy = try XCTUnwrap(try world.state().deploys[bad])
        XCTAssertEqual(deploy.rollback?.targetVersion, "2.0.0")
        XCTAssertEqual(try world.state().environments["staging"]?.knownGood, ["2.0.0"], "2.0.0-bad was rolled back on staging")

        let again = try world.gantry("rollback", "staging")
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr, "Error: production-2.0.0-bad-1 was already rolled back to 2.0.0 by erin; there is nothing "
                       + "newer on staging to undo\n")
        let refusedProduction = try world.gantry("deploy", "production", "--version", "2.0.0-bad")
        XCTAssertEqual(refusedProduction.status, 0, "staging is deployed on the way, so production may try again: "
                       + refusedProduction.stderr)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("production-2.0.0-bad-2")]?.stage("prod-gate")?.status == .running })
        let cancelled = try world.gantry("cancel", "production", "--reason", "not again")
        XCTAssertEqual(cancelled.status, 0, cancelled.stderr)
        XCTAssertTrue(try world.eventually { try world.state().deploys[DeployID("production-2.0.0-bad-2")]?.status == .cancelled })
        XCTAssertTrue(try world.eventually { try world.state().environments["production"]?.lease == nil })
        try world.assertStatusIsTheCluster(places, "after a cancel at the gate (staging left as the staging stage made it)")

        // Somebody changes staging behind Gantry's back.
        XCTAssertEqual(try world.kubectl("--context", "staging", "-n", "web", "set", "image", "deployment/web",
                                         "web=127.0.0.1:5000/shop/web:9.9.9").status, 0)
        XCTAssertEqual(try world.kubectl("--context", "staging", "-n", "web", "rollout", "status", "deployment/web",
                                         "--timeout=20s").status, 0)
        let drift = try world.gantry("reconcile", "staging")
        XCTAssertEqual(drift.status, 3, drift.stdout + drift.stderr)
        XCTAssertTrue(drift.stdout.hasPrefix("staging: runs 9.9.9 (revision "), drift.stdout)
        XCTAssertTrue(drift.stdout.hasSuffix(" — DRIFT: staging runs 9.9.9, not what Gantry deployed (2.0.0-bad)\n"), drift.stdout)
        let live = try XCTUnwrap(try world.statusLive()["staging"])
        XCTAssertEqual(live["version"] as? String, "9.9.9")
        XCTAssertEqual(live["revision"] as? Int, try world.cluster(places["staging"]!).revision)
        XCTAssertTrue((live["drift"] as? String ?? "").hasPrefix("staging runs 9.9.9, not what Gantry deployed"), "\(live)")
        XCTAssertTrue(live["by"] is NSNull, "nobody Gantry knows put 9.9.9 there")
    }

    /// Blue-green: the rollback names the colour and lands on the known-good version, even when
    /// the warm colour runs a version that was never verified (it is set to the known-good image
    /// first); the status says the colour and version kubectl shows after every step.
    func testBlueGreenRollbackNamesTheColourAndLandsOnKnownGood() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 2, name: "web-blue", labels: "app: web, colour: blue")
        try world.createApp(context: "prod", replicas: 2, name: "web-green", labels: "app: web, colour: green")
        try world.createService(context: "prod", selector: "app: web, colour: blue")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: blue-green
            blue-green: { service: web }
        rollback: { automatic: [] }
        stages:
          - { id: production, deploy: production }
          - { id: smoke, run: [sh, -c, "test ${version} != 1.2.0-unverified"], needs: [production] }
        """)
        let places = ["production": World.Place(context: "prod", blueGreenService: "web")]
        XCTAssertEqual(try world.gantry("reconcile").status, 0)
        try world.assertStatusIsTheCluster(places, "start")
        XCTAssertEqual(try world.gantry("deploy", "production", "--version", "1.1.0", "--headless").status, 0)
        try world.assertStatusIsTheCluster(places, "1.1.0 on green")
        let unverified = try world.gantry("deploy", "production", "--version", "1.2.0-unverified", "--headless")
        XCTAssertEqual(unverified.status, 1, "the smoke test fails and nothing rolls back automatically: " + unverified.stdout)
        try world.assertStatusIsTheCluster(places, "1.2.0-unverified live on blue, not verified")
        XCTAssertEqual(try world.gantry("deploy", "production", "--version", "1.3.0", "--headless").status, 0)
        try world.assertStatusIsTheCluster(places, "1.3.0 on green, blue warm with the unverified 1.2.0")
        XCTAssertEqual(try world.state().environments["production"]?.knownGood, ["1.1.0", "1.3.0"])

        let rollback = try world.gantry("rollback", "production", "--reason", "checkout errors")
        XCTAssertEqual(rollback.status, 0, rollback.stdout + rollback.stderr)
        XCTAssertTrue(rollback.stdout.contains("blue does not run 1.1.0: setting it first"), rollback.stdout)
        XCTAssertTrue(rollback.stdout.contains("kubectl patch service web selector colour=blue"), rollback.stdout)
        XCTAssertTrue(rollback.stdout.contains("rolled back to 1.1.0"), rollback.stdout)
        try world.assertStatusIsTheCluster(places, "after the rollback")
        XCTAssertEqual(try world.cluster(places["production"]!).version, "1.1.0")
        XCTAssertEqual(try world.cluster(places["production"]!).colour, "blue")
        let status = try world.gantry("status", "production")
        XCTAssertTrue(status.stdout.contains("  live:        1.1.0 (revision "), status.stdout)
        XCTAssertTrue(status.stdout.contains("colour blue, 2/2 ready) since "), status.stdout)
        XCTAssertTrue(status.stdout.contains(", rolled back by production-1.3.0-3\n"), status.stdout)
    }
}
