import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// `gantry deploy` for real: the built binary, the real kubectl, `gantry sim` as the cluster.
final class DeployEndToEndTests: XCTestCase {
    private func pipeline(_ world: World, context: String = "staging", environment: String = "staging",
                          strategy: String, extra: String = "", stages: String, rollback: String = "",
                          verifySeconds: Int = 2) throws {
        let url = try world.serviceURL(context: context)
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          \(environment):
            kube: { context: \(context), namespace: web }
            strategy: \(strategy)
            health: { url: "\(url)/healthz", expect: 200 }
            verify: { for: \(verifySeconds)s, interval: 1s }
        \(extra)
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.05 }
        \(rollback)
        stages:
        \(stages)
        """)
        let check = try world.gantry("check")
        guard check.status == 0 else { throw World.Failure("pipeline invalid: \(check.stderr)") }
    }

    func testRollingDeploySucceedsHeadless() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try world.createService(context: "staging")
        try pipeline(world, strategy: "rolling", stages: """
          - { id: deploy, deploy: staging }
          - { id: watch, monitor: staging, for: 1s, needs: [deploy] }
        """)
        let result = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless", "--sample-interval", "0.3")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains(
            "[deploy] $ kubectl --context staging --namespace web set image deployment/web web=127.0.0.1:5000/shop/web:1.1.0"),
            result.stdout)
        XCTAssertTrue(result.stdout.contains("[deploy] 3/3 pods ready"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("deploy staging-1.1.0-1: succeeded\n"), result.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        let state = try world.state()
        let deploy = try XCTUnwrap(state.deploys[DeployID("staging-1.1.0-1")])
        XCTAssertEqual(deploy.status, .succeeded)
        XCTAssertEqual(deploy.requestedBy, "alice")
        XCTAssertEqual(deploy.stages.map(\.status), [.succeeded, .succeeded])
        XCTAssertGreaterThanOrEqual(deploy.metrics["error-rate"]?.totalCount ?? 0, 1, "the watch window sampled the error rate")
        XCTAssertEqual(state.environments["staging"]?.currentVersion, "1.1.0")
        XCTAssertNil(state.environments["staging"]?.lease)
    }

    func testCanaryWithBadVersionRollsBackAutomatically() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 4)
        try world.createService(context: "prod")
        try pipeline(world, context: "prod", environment: "production", strategy: "canary",
                     extra: "    canary: { steps: [25, 50, 100], pause: 2s }",
                     stages: "  - { id: production, deploy: production }")
        let result = try world.gantry("deploy", "production", "--version", "2.0.0-bad", "--headless", "--sample-interval", "0.3")
        XCTAssertEqual(result.status, 2, "exit status 2 means rolled back:\n" + result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("error-rate"), result.stdout)
        XCTAssertTrue(result.stdout.contains("rollback requested: automatic (critical-metric)"), result.stdout)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("production-2.0.0-bad-1")])
        XCTAssertEqual(deploy.status, .rolledBack)
        XCTAssertEqual(deploy.rollback?.method, "kubectl scale deployment/web-canary --replicas=0")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        XCTAssertEqual(deploy.metrics["error-rate"]?.level, .critical)
        XCTAssertEqual(try world.image(context: "prod"), "127.0.0.1:5000/shop/web:1.0.0", "stable never took the bad version")
        XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web-canary", "-o",
                                         "jsonpath={.spec.replicas}").stdout, "0")
        XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web", "-o",
                                         "jsonpath={.spec.replicas}").stdout, "4")
    }

    func testCrashLoopingVersionHitsTheProgressDeadlineAndRollsBack() throws {
        let world = try World()
        try world.createApp(context: "staging", progressDeadline: 2)
        try world.createService(context: "staging")
        try pipeline(world, strategy: "rolling", stages: "  - { id: deploy, deploy: staging, timeout: 60s }")
        let result = try world.gantry("deploy", "staging", "--version", "1.2.0-crashloop", "--headless")
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.2.0-crashloop-1")])
        XCTAssertEqual(deploy.status, .rolledBack)
        XCTAssertTrue(deploy.stages[0].reason.hasPrefix("rollout exceeded its progress deadline: "), deploy.stages[0].reason)
        XCTAssertTrue(deploy.stages[0].reason.contains("restarts)"), deploy.stages[0].reason)
        XCTAssertTrue(deploy.stages[0].reason.contains("last log 'panic: simulated crash in version 1.2.0-crashloop'"),
                      deploy.stages[0].reason)
        XCTAssertEqual(deploy.rollback?.method, "kubectl rollout undo deployment/web")
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0")
    }

    func testBlueGreenSwitchesThenRollsBackByCommand() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 2, name: "web-blue", labels: "app: web, colour: blue")
        try world.createApp(context: "prod", replicas: 2, name: "web-green", labels: "app: web, colour: green")
        try world.createService(context: "prod", selector: "app: web, colour: blue")
        try pipeline(world, context: "prod", environment: "production", strategy: "blue-green",
                     extra: "    blue-green: { service: web }", stages: "  - { id: production, deploy: production }")
        let selector = { try world.kubectl("--context", "prod", "-n", "web", "get", "service", "web", "-o",
                                           "jsonpath={.spec.selector.colour}").stdout }
        let result = try world.gantry("deploy", "production", "--version", "1.1.0", "--headless")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(try selector(), "green")
        XCTAssertEqual(try world.image("web-green", context: "prod"), "127.0.0.1:5000/shop/web:1.1.0")
        XCTAssertEqual(try world.image("web-blue", context: "prod"), "127.0.0.1:5000/shop/web:1.0.0", "blue kept warm")

        let rollback = try world.gantry("rollback", "production", "--reason", "checkout errors")
        XCTAssertEqual(rollback.status, 0, rollback.stdout + rollback.stderr)
        XCTAssertEqual(try selector(), "blue")
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("production-1.1.0-1")])
        XCTAssertEqual(deploy.rollback?.requestedBy, "alice")
        XCTAssertEqual(deploy.rollback?.reason, "checkout errors")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        XCTAssertEqual(deploy.status, .rolledBack)
    }

    /// No monitor stage: the deploy stage's verification window catches the bad version.
    func testRollingBadVersionRollsBackAutomaticallyOnErrorRate() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try world.createService(context: "staging")
        try pipeline(world, strategy: "rolling", stages: "  - { id: deploy, deploy: staging }", verifySeconds: 20)
        let result = try world.gantry("deploy", "staging", "--version", "1.1.0-bad", "--headless", "--sample-interval", "0.3")
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.1.0-bad-1")])
        XCTAssertEqual(deploy.status, .rolledBack)
        XCTAssertEqual(deploy.stages.map(\.status), [.failed])
        // The health check (3 good answers in a row) or the error rate, whichever sees it first.
        if result.stdout.contains("rollback requested: automatic (critical-metric)") {
            XCTAssertTrue(deploy.stages[0].reason.hasPrefix("error-rate "), deploy.stages[0].reason)
            XCTAssertTrue(deploy.stages[0].reason.contains("> critical 5%"), deploy.stages[0].reason)
            XCTAssertEqual(deploy.metrics["error-rate"]?.level, .critical)
        } else {
            XCTAssertTrue(result.stdout.contains("rollback requested: automatic (failed-health)"), result.stdout)
            XCTAssertTrue(deploy.stages[0].reason.hasPrefix("health check failed: "), deploy.stages[0].reason)
        }
        XCTAssertEqual(deploy.rollback?.method, "kubectl rollout undo deployment/web")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the automatic rollback")
    }

    func testBlueGreenBadVersionSwitchesBackAutomaticallyOnErrorRate() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 2, name: "web-blue", labels: "app: web, colour: blue")
        try world.createApp(context: "prod", replicas: 2, name: "web-green", labels: "app: web, colour: green")
        try world.createService(context: "prod", selector: "app: web, colour: blue")
        try pipeline(world, context: "prod", environment: "production", strategy: "blue-green",
                     extra: "    blue-green: { service: web }", stages: """
          - { id: production, deploy: production }
          - { id: watch, monitor: production, for: 20s, needs: [production] }
        """)
        let selector = { try world.kubectl("--context", "prod", "-n", "web", "get", "service", "web", "-o",
                                           "jsonpath={.spec.selector.colour}").stdout }
        let result = try world.gantry("deploy", "production", "--version", "1.1.0-bad", "--headless", "--sample-interval", "0.3")
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        // The health check (3 good answers in a row) or the error rate, whichever sees it first.
        XCTAssertTrue(result.stdout.contains("rollback requested: automatic (critical-metric)")
                      || result.stdout.contains("rollback requested: automatic (failed-health)"), result.stdout)
        XCTAssertEqual(try selector(), "blue", "traffic is back on the old colour")
        XCTAssertEqual(try world.image("web-green", context: "prod"), "127.0.0.1:5000/shop/web:1.1.0-bad", "the bad colour is left for inspection")
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("production-1.1.0-bad-1")])
        XCTAssertEqual(deploy.status, .rolledBack)
        XCTAssertEqual(deploy.rollback?.succeeded, true)
    }

    /// A step that hangs is killed at its timeout with everything it started (the whole process
    /// group), and the deploy fails saying so; nothing is deployed.
    func testHungCommandIsKilledWithItsChildrenAtItsTimeout() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        stages:
          - { id: migrate, run: [sh, -c, "echo migrating; sleep 613 & sleep 617"], timeout: 1s }
          - { id: deploy, deploy: staging, needs: [migrate] }
        """)
        let result = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("[migrate] migrating"), result.stdout)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.1.0-1")])
        XCTAssertEqual(deploy.stages.map(\.status), [.failed, .skipped])
        XCTAssertEqual(deploy.stages[0].reason, "`sh -c 'echo migrating; sleep 613 & sleep 617'` did not finish within 1s and was killed")
        usleep(200_000)
        let left = (try FileManager.default.contentsOfDirectory(atPath: "/proc")).filter { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return argv == ["sleep", "613"] || argv == ["sleep", "617"]
        }
        XCTAssertEqual(left, [], "no process of the step is left running")
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0")
    }
}
