import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// The executor as a background process: leases, intents from other processes, crashes.
final class BackgroundEndToEndTests: XCTestCase {
    private func rollingPipeline(_ world: World, gate: Bool = false) throws {
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
            approvals: { required: 1, from: [bob, carol] }
        checklists:
          pre-deploy:
            - { id: tests, text: "All tests passing", verify: ["sh", "-c", "echo 42 passed for ${version}"] }
            - { id: backup, text: "Database backup created", evidence: required }
        stages:
        \(gate ? "  - { id: gate, gate: [checklist:pre-deploy, approvals:staging] }" : "  - { id: gate, gate: [approvals:staging] }")
          - { id: deploy, deploy: staging, needs: [gate] }
        """)
        let check = try world.gantry("check")
        guard check.status == 0 else { throw World.Failure("pipeline invalid: \(check.stderr)") }
    }

    /// A staging app of 3 pods and a pipeline that only deploys it, rolling.
    private func plainRollingWorld() throws -> World {
        let world = try World()
        try world.createApp(context: "staging")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        stages:
          - { id: deploy, deploy: staging }
        """)
        return world
    }

    private func pid(in output: String) throws -> Int32 {
        guard let range = output.range(of: "executor pid "),
              let pid = Int32(output[range.upperBound...].prefix { $0.isNumber }) else {
            throw World.Failure("no executor pid in: \(output)")
        }
        return pid
    }

    private func deployInBackground(_ world: World, _ arguments: String...) throws -> BuiltBinary.Result {
        let result = try BuiltBinary.run("gantry", ["deploy"] + arguments, environment: world.environment, directory: world.directory)
        if let pid = try? pid(in: result.stdout) { world.adopt(pid) }
        return result
    }

    func testGateOpensOnTicksAndApprovalFromOtherProcesses() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try rollingPipeline(world, gate: true)
        let started = try deployInBackground(world, "staging", "--version", "1.1.0")
        XCTAssertEqual(started.status, 0, started.stderr)
        let id = DeployID("staging-1.1.0-1")
        XCTAssertTrue(try world.eventually { try world.state().deploys[id]?.checklists.first?.items.first?.isSatisfied == true },
                      "the verify command ticks `tests`")
        let evidence = try world.state().deploys[id]?.checklists.first?.items.first?.evidence
        XCTAssertEqual(evidence, "42 passed for 1.1.0")

        let second = try world.gantry("deploy", "staging", "--version", "1.2.0")
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.hasPrefix("Error: staging is being deployed by executor@"), second.stderr)

        XCTAssertEqual(try world.gantry("tick", "staging", "backup", "--note", "snapshot 42", "--actor", "dave").status, 0)
        var blockers = try XCTUnwrap(try world.state().deploys[id]).gateStatuses.first?.status.blockers
        XCTAssertEqual(blockers, ["waiting for 1 approval"])
        let selfApproval = try world.gantry("approve", "staging")  // alice requested it and is no approver: refused
        XCTAssertEqual(selfApproval.status, 1)
        XCTAssertEqual(selfApproval.stderr, "Error: alice may not approve staging (approvers: bob, carol)\n")
        blockers = try XCTUnwrap(try world.state().deploys[id]).gateStatuses.first?.status.blockers
        XCTAssertEqual(blockers, ["waiting for 1 approval"], "nothing was recorded")
        XCTAssertEqual(try world.gantry("approve", "staging", "--actor", "bob", "--comment", "lgtm").status, 0)
        XCTAssertTrue(try world.eventually { try world.state().deploys[id]?.status == .succeeded })
        let deploy = try XCTUnwrap(try world.state().deploys[id])
        XCTAssertTrue(deploy.audit.contains { $0.actor == "dave" && $0.text == "ticked pre-deploy/backup: \"snapshot 42\"" })
        XCTAssertTrue(deploy.audit.contains { $0.actor == "bob" && $0.text == "approved staging: \"lgtm\"" })
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
    }

    func testHeadlessGateThatCannotOpenFailsSayingWhatIsMissing() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try rollingPipeline(world)
        let result = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless", "--gate-timeout", "1")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("[gate] FAILED: gate gate cannot open: waiting for 1 approval"), result.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0", "nothing deployed")
    }

    func testRollbackIntentFromAnotherProcessDuringCanary() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 4)
        try world.createService(context: "prod")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [25, 50, 100], pause: 60s }
        stages:
          - { id: production, deploy: production }
        """)
        let started = try deployInBackground(world, "production", "--version", "1.1.0", "--sample-interval", "0.5")
        XCTAssertEqual(started.status, 0, started.stderr)
        let id = DeployID("production-1.1.0-1")
        XCTAssertTrue(try world.eventually { try world.state().deploys[id]?.stages.first?.progress?.label == "canary 25%" })
        let rollback = try world.gantry("rollback", "production", "--reason", "pager", "--actor", "oncall")
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertTrue(rollback.stdout.contains("is rolling it back now"), rollback.stdout)
        XCTAssertTrue(try world.eventually(10) { try world.state().deploys[id]?.status == .rolledBack })
        let deploy = try XCTUnwrap(try world.state().deploys[id])
        XCTAssertEqual(deploy.rollback?.requestedBy, "oncall")
        XCTAssertEqual(deploy.stages.first?.status, .cancelled)
        let requested = try XCTUnwrap(deploy.rollback?.requestedAt), finished = try XCTUnwrap(deploy.rollback?.finishedAt)
        XCTAssertLessThan(finished.timeIntervalSince(requested), 30, "well inside the 60 s pause: no canary re-run, no analysis")
        XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web-canary", "-o",
                                         "jsonpath={.spec.replicas}").stdout, "0")
        XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web", "-o",
                                         "jsonpath={.spec.replicas}").stdout, "4")
    }

    func testExecutorKilledMidRolloutIsReconciledOnResume() throws {
        let world = try plainRollingWorld()
        let started = try deployInBackground(world, "staging", "--version", "1.3.0-slow")
        XCTAssertEqual(started.status, 0, started.stderr)
        let id = DeployID("staging-1.3.0-slow-1")
        XCTAssertTrue(try world.eventually { try world.state().deploys[id]?.stages.first?.progress != nil })
        XCTAssertEqual(kill(try pid(in: started.stdout), SIGKILL), 0)
        usleep(200_000)
        XCTAssertEqual(try world.state().deploys[id]?.status, .running, "killed mid-rollout")

        let resumed = try world.gantry("resume", id.rawValue)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("after an interruption: finished stages are kept"), resumed.stdout)
        let deploy = try XCTUnwrap(try world.state().deploys[id])
        XCTAssertEqual(deploy.status, .succeeded)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.3.0-slow")
    }

    /// On-call rolls back a rolling deploy mid-rollout from another process: the watch stops at
    /// once and `rollout undo` brings the old version back.
    func testRollbackIntentFromAnotherProcessDuringRollingDeploy() throws {
        let world = try plainRollingWorld()
        let started = try deployInBackground(world, "staging", "--version", "1.4.0-slow")
        XCTAssertEqual(started.status, 0, started.stderr)
        let id = DeployID("staging-1.4.0-slow-1")
        XCTAssertTrue(try world.eventually { try world.state().deploys[id]?.stages.first?.status == .running })
        XCTAssertTrue(try world.eventually { try world.image(context: "staging") == "127.0.0.1:5000/shop/web:1.4.0-slow" },
                      "the rollout has begun")
        let rollback = try world.gantry("rollback", "staging", "--reason", "pager", "--actor", "oncall")
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertTrue(try world.eventually(20) { try world.state().deploys[id]?.status == .rolledBack })
        let deploy = try XCTUnwrap(try world.state().deploys[id])
        XCTAssertEqual(deploy.stages.first?.status, .cancelled)
        XCTAssertEqual(deploy.stages.first?.reason, "rollback requested by oncall")
        XCTAssertEqual(deploy.rollback?.method, "kubectl rollout undo deployment/web")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0")
    }
}
