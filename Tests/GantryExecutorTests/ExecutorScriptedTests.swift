import Foundation
import GantryCore
@testable import GantryExecutor
import GantryPipeline
import GantryStore
import GantryTestSupport
import XCTest

/// The executor driven through the process-runner seam, with kubectl output captured from the
/// real tool: exact argv, exact events.
final class ExecutorScriptedTests: XCTestCase {
    private let kubectl = ["kubectl", "--context", "staging", "--namespace", "web"]

    private func pipeline(_ stages: String, rollback: String = "") throws -> PipelineFile {
        try PipelineLoader.parse(yaml: """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        \(rollback)
        stages:
        \(stages)
        """, file: "gantry.yaml")
    }

    private func start(_ pipeline: PipelineFile, _ store: InMemoryEventStore, version: String = "2.0.0") throws -> DeployID {
        try DeployRequest.make(store: store, pipeline: pipeline, environment: "staging", version: version, actor: "alice")
    }

    /// A captured watch as the executor sees it: the capture started before `set image`, so its
    /// first (ADDED) line is the previous rollout; the executor's own watch starts after it.
    private func watchLines(_ name: String) throws -> [String] {
        Array(try FixtureText.lines(name).dropFirst())
    }

    private func state(_ store: InMemoryEventStore) throws -> GantryState {
        Reducer.fold(try store.read(after: 0, limit: Int.max))
    }

    func testRollingDeployRunsExactCommandsAndRecordsProgress() async throws {
        let file = try pipeline("  - { id: deploy, deploy: staging }")
        let store = InMemoryEventStore()
        let id = try start(file, store)
        let runner = ScriptedProcessRunner([
            .init(kubectl + ["set", "image", "deployment/web", "web=127.0.0.1:5000/shop/web:2.0.0"],
                  stdout: ["deployment.apps/web image updated"], concurrent: true),
            .init(kubectl + ["get", "deployment", "web", "--watch", "--output-watch-events", "-o", "json"],
                  stdout: try watchLines("kubectl-watch-rollout-complete.jsonl"), concurrent: true),
            // What runs afterwards is the watch's last Deployment: no kubectl reads it again.
        ])
        let status = await Executor(store: store, pipeline: file, runner: runner,
                                    settings: ExecutorSettings(holder: "executor@test")).run(id)
        XCTAssertEqual(status, .succeeded)
        XCTAssertEqual(runner.verify(), [])
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        XCTAssertEqual(deploy.stages.map(\.status), [.succeeded])
        XCTAssertEqual(deploy.stages[0].progress, StageProgress(done: 3, total: 3, label: "pods ready"))
        XCTAssertEqual(deploy.stages[0].log.lines.map(\.text).prefix(2), [
            "$ kubectl --context staging --namespace web set image deployment/web web=127.0.0.1:5000/shop/web:2.0.0",
            "deployment.apps/web image updated",
        ])
        XCTAssertEqual(try state(store).environments["staging"]?.lease, nil, "the lease is released at the end")
        let staging = try XCTUnwrap(try state(store).environments["staging"])
        XCTAssertEqual(staging.live, LiveState(version: "2.0.0", image: "127.0.0.1:5000/shop/web:2.0.0", revision: 8, ready: 3, desired: 3))
        XCTAssertEqual(staging.liveBy, id)
        XCTAssertEqual(staging.knownGood, ["2.0.0"], "verified when the whole deploy succeeded")
        XCTAssertEqual(try store.readStream(.environment("staging")).map(\.payload.kind), [.environmentClaimed, .environmentObserved, .environmentVerified])
    }

    /// An API server closes a watch mid-rollout (they do, after a while, and on restarts): the
    /// executor watches again, from the Deployment's current state, and the rollout completes.
    func testAWatchThatEndsEarlyIsStartedAgain() async throws {
        let file = try pipeline("  - { id: deploy, deploy: staging }", rollback: "rollback: { automatic: [] }")
        let store = InMemoryEventStore()
        let id = try start(file, store)
        let watch = kubectl + ["get", "deployment", "web", "--watch", "--output-watch-events", "-o", "json"]
        let complete = try watchLines("kubectl-watch-rollout-complete.jsonl")
        let runner = ScriptedProcessRunner([
            .init(kubectl + ["set", "image", "deployment/web", "web=127.0.0.1:5000/shop/web:2.0.0"], concurrent: true),
            // The first watch ends after two events, mid-rollout; the second starts with the current state.
            .init(watch, stdout: Array(complete.prefix(2)), concurrent: true),
            .init(watch, stdout: Array(complete.dropFirst(1))),
        ])
        let status = await Executor(store: store, pipeline: file, runner: runner, settings: ExecutorSettings(holder: "x")).run(id)
        XCTAssertEqual(status, .succeeded)
        XCTAssertEqual(runner.verify(), [])
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        let restarted = deploy.stages[0].log.lines.map(\.text).filter { $0.hasPrefix("watch of deployment/web ended") }
        XCTAssertEqual(restarted.count, 1, deploy.stages[0].log.lines.map(\.text).joined(separator: "\n"))
        XCTAssertTrue(restarted[0].hasPrefix("watch of deployment/web ended (the API server closed it) while "), restarted[0])
        XCTAssertTrue(restarted[0].hasSuffix("; watching again"), restarted[0])
        XCTAssertEqual(deploy.stages[0].progress, StageProgress(done: 3, total: 3, label: "pods ready"))
    }

    func testHungCommandIsKilledAtItsTimeout() async throws {
        let file = try pipeline("""
          - { id: migrate, run: [./migrate, up], timeout: 1s }
          - { id: deploy, deploy: staging, needs: [migrate] }
        """)
        let store = InMemoryEventStore()
        let id = try start(file, store)
        let runner = ScriptedProcessRunner([.init(["./migrate", "up"], stdout: ["migrating…"], seconds: 30)])
        let clock = ContinuousClock.now
        let status = await Executor(store: store, pipeline: file, runner: runner, settings: ExecutorSettings(holder: "x")).run(id)
        XCTAssertLessThan(ContinuousClock.now - clock, .seconds(5))
        XCTAssertEqual(status, .failed)
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        XCTAssertEqual(deploy.stages[0].command, ["./migrate", "up"])
        XCTAssertEqual(deploy.stages[0].reason, "`./migrate up` did not finish within 1s and was killed")
        XCTAssertEqual(deploy.stages[1].status, .skipped)
        XCTAssertEqual(runner.verify(), [])
    }

    func testRollbackIntentStopsTheRolloutAndUndoesIt() async throws {
        let file = try pipeline("  - { id: deploy, deploy: staging }")
        let store = InMemoryEventStore()
        let id = try start(file, store, version: "1.5.0")  // the version in the captured watch
        let watch = kubectl + ["get", "deployment", "web", "--watch", "--output-watch-events", "-o", "json"]
        let runner = ScriptedProcessRunner([
            .init(kubectl + ["set", "image", "deployment/web", "web=127.0.0.1:5000/shop/web:1.5.0"], concurrent: true),
            .init(watch, stdout: Array(try watchLines("kubectl-watch-rollout.jsonl").prefix(4)), seconds: 60, concurrent: true),
            .init(kubectl + ["get", "deployment", "web", "-o", "json"], stdout: try FixtureText.lines("kubectl-get-deployment-1.5.0-rolling.json")),
            .init(kubectl + ["rollout", "undo", "deployment/web"], stdout: ["deployment.apps/web rolled back"]),
            .init(watch, stdout: try watchLines("kubectl-watch-rollout-complete.jsonl")),
            .init(kubectl + ["get", "deployment", "web", "-o", "json"], stdout: try FixtureText.lines("kubectl-get-deployment-2.0.0.json")),
        ])
        let executor = Executor(store: store, pipeline: file, runner: runner, settings: ExecutorSettings(holder: "x"))
        let run = Task { await executor.run(id) }
        // Wait until the watch is running, then ask for the rollback as an operator would.
        for _ in 0..<200 where runner.ran.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        _ = try store.append([PendingEvent(time: Date(), actor: "oncall", deploy: id, payload: .rollbackRequested(reason: "pager"))],
                             expected: .any)
        let status = await run.value
        XCTAssertEqual(status, .rolledBack)
        XCTAssertEqual(runner.verify(), [])
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        XCTAssertEqual(deploy.stages[0].status, .cancelled)
        XCTAssertEqual(deploy.stages[0].reason, "rollback requested by oncall")
        XCTAssertEqual(deploy.rollback?.requestedBy, "oncall")
        XCTAssertEqual(deploy.rollback?.method, "kubectl rollout undo deployment/web")
        XCTAssertEqual(deploy.rollback?.succeeded, true)
        XCTAssertEqual(deploy.outcomeReason, "pager")
        let staging = try XCTUnwrap(try state(store).environments["staging"])
        XCTAssertEqual(staging.liveCause, .rolledBack)
        XCTAssertEqual(staging.currentVersion, "2.0.0", "what kubectl showed after the undo")
    }

    /// build → push → smoke run with the real docker CLI's output against podman: exact argv, step
    /// progress, the pushed digest, and `docker run` without `--rm` so its exit status counts.
    func testDockerStagesRunExactCommandsAndReportProgress() async throws {
        let file = try pipeline("""
          - { id: build, docker: build, context: ., dockerfile: Dockerfile }
          - { id: push, docker: push, needs: [build] }
          - { id: smoke, docker: run, argv: [--rm, "${image}:${version}", /bin/busybox, sh, -c, "exit 3", "${env}"], needs: [push] }
          - { id: deploy, deploy: staging, needs: [smoke] }
        """, rollback: "rollback: { automatic: [] }")
        let store = InMemoryEventStore()
        let id = try start(file, store)
        let image = "127.0.0.1:5000/shop/web:2.0.0"
        let runner = ScriptedProcessRunner([
            .init(["docker", "build", "-t", image, "-f", "Dockerfile", "."],
                  stdout: try FixtureText.lines("docker-build-podman.stdout")),
            .init(["docker", "push", image], stdout: try FixtureText.lines("docker-push-podman.stdout")),
            .init(["docker", "run", "--name", "SMOKE", image, "/bin/busybox", "sh", "-c", "exit 3", "staging"], stdout: [], status: 3),
            .init(["docker", "rm", "-f", "SMOKE"]),
        ], normalize: { argv in argv.map { $0.hasPrefix("gantry-smoke-") ? "SMOKE" : $0 } })
        let status = await Executor(store: store, pipeline: file, runner: runner,
                                    settings: ExecutorSettings(holder: "x", workingDirectory: "/srv/app")).run(id)
        XCTAssertEqual(status, .failed)
        XCTAssertEqual(runner.verify(), [], "the container is removed before the stage ends")
        XCTAssertEqual(runner.directories.prefix(3), ["/srv/app", "/srv/app", "/srv/app"])
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        XCTAssertEqual(deploy.stages.map(\.status), [.succeeded, .succeeded, .failed, .skipped])
        XCTAssertEqual(deploy.stages[0].progress, StageProgress(done: 5, total: 5, label: "build step 5/5"))
        XCTAssertEqual(deploy.stages[1].progress, StageProgress(done: 1, total: 1, label: "pushed sha256:19ea6a84513a"))
        XCTAssertTrue(deploy.stages[2].command.starts(with: ["docker", "run", "--name"]))
        XCTAssertFalse(deploy.stages[2].command.contains("--rm"), "podman answers 0 for every --rm run")
        XCTAssertTrue(deploy.stages[2].reason.hasSuffix("exited with status 3"), deploy.stages[2].reason)
    }

    /// Stages whose needs are met run at the same time; a stage with `retries` runs again after a
    /// failure and succeeds on its last attempt.
    func testIndependentStagesRunInParallelAndRetriesAreHonoured() async throws {
        let file = try pipeline("""
          - { id: lint, run: [./lint] }
          - { id: unit, run: [./unit-tests] }
          - { id: flaky, run: [./integration], needs: [lint, unit], retries: 2 }
          - { id: deploy, deploy: staging, needs: [flaky] }
        """)
        let store = InMemoryEventStore()
        let id = try start(file, store)
        let runner = ScriptedProcessRunner([
            .init(["./lint"], stdout: ["lint ok"], seconds: 0.3, concurrent: true),
            .init(["./unit-tests"], stdout: ["42 passed"], seconds: 0.3, concurrent: true),
            .init(["./integration"], stdout: ["connection refused"], status: 1),
            .init(["./integration"], stdout: ["connection refused"], status: 1),
            .init(["./integration"], stdout: ["7 passed"]),
            .init(kubectl + ["set", "image", "deployment/web", "web=127.0.0.1:5000/shop/web:2.0.0"], concurrent: true),
            .init(kubectl + ["get", "deployment", "web", "--watch", "--output-watch-events", "-o", "json"],
                  stdout: try watchLines("kubectl-watch-rollout-complete.jsonl"), concurrent: true),
        ])
        let status = await Executor(store: store, pipeline: file, runner: runner, settings: ExecutorSettings(holder: "x")).run(id)
        XCTAssertEqual(status, .succeeded)
        XCTAssertEqual(runner.verify(), [])
        XCTAssertEqual(runner.mostAtOnce, 2, "lint and unit ran side by side")
        let deploy = try XCTUnwrap(try state(store).deploys[id])
        XCTAssertEqual(deploy.stages.map(\.status), [.succeeded, .succeeded, .succeeded, .succeeded])
        XCTAssertEqual(deploy.stages[2].log.lines.map(\.text), [
            "$ ./integration", "connection refused",
            "attempt 1 of 3 failed: `./integration` exited with status 1: connection refused; retrying",
            "$ ./integration", "connection refused",
            "attempt 2 of 3 failed: `./integration` exited with status 1: connection refused; retrying",
            "$ ./integration", "7 passed",
        ])
    }

    func testSecondDeployToLeasedEnvironmentIsRefused() throws {
        let file = try pipeline("  - { id: deploy, deploy: staging }")
        let store = InMemoryEventStore()
        _ = try store.append([PendingEvent(time: Date(), actor: "executor@other:1", deploy: DeployID("lease:staging"),
                                           payload: .leaseAcquired(environment: "staging", holder: "executor@other:1",
                                                                   expires: Date().addingTimeInterval(30)))], expected: .any)
        XCTAssertThrowsError(try start(file, store)) { error in
            XCTAssertEqual("\(error)", "staging is being deployed by executor@other:1 (lease renewed 0s ago, expires in 30s); "
                           + "wait for it to finish, or stop it with `gantry cancel staging`")
        }
    }

    func testHostileVersionIsRefusedBeforeAnythingRuns() throws {
        let file = try pipeline("  - { id: deploy, deploy: staging }")
        let store = InMemoryEventStore()
        for version in ["--help", "1;rm -rf /", "$(id)", "1\n2"] {
            XCTAssertThrowsError(try DeployRequest.make(store: store, pipeline: file, environment: "staging", version: version, actor: "eve"))
        }
        XCTAssertEqual(try store.lastSeq(), 0)
    }
}
