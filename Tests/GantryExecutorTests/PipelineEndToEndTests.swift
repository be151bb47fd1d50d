import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// Whole pipelines for real: the docker CLI against podman and a local registry, kubectl against
/// `gantry sim`, Prometheus scraping the simulator, and the `gantry` binary in between.
final class PipelineEndToEndTests: XCTestCase {
    /// A world whose docker CLI talks to the test engine.
    private func world() throws -> (World, ContainerEngine) {
        let engine = try ContainerEngine.fromEnvironment()
        let world = try World()
        world.environment["DOCKER_HOST"] = engine.dockerHost
        return (world, engine)
    }

    private func check(_ world: World) throws {
        let check = try world.gantry("check")
        guard check.status == 0 else { throw World.Failure("pipeline invalid: \(check.stderr)") }
    }

    /// build FROM scratch → push → smoke run → staging rolling → gate (verified and manual
    /// checklist items, approvals) → production canary → watch window: everything succeeds.
    func testFullPipelineFromBuildToCanaryWatchSucceeds() throws {
        let (world, engine) = try world()
        let image = "\(engine.registry)/shop/web"
        try world.createApp(context: "staging", image: "\(image):1.0.0")
        try world.createService(context: "staging")
        try world.createApp(context: "prod", replicas: 4, image: "\(image):1.0.0")
        try world.createService(context: "prod")
        try engine.writeContext(world.directory + "/app", dockerfile: [
            #"RUN ["/bin/busybox", "mkdir", "-p", "/srv/www"]"#,
            "LABEL org.opencontainers.image.title=web",
            #"CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/srv/www"]"#,
        ])
        try world.writePipeline("""
        app: web
        image: \(image)
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
            health: { url: "\(try world.serviceURL(context: "staging"))/healthz" }
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [50, 100], pause: 1s }
            health: { url: "\(try world.serviceURL(context: "prod"))/healthz" }
            approvals: { required: 1, from: [bob, carol], allow-self: false }
            requires: [staging]
        checklists:
          pre-deploy:
            - { id: pulled, text: "Image pulls from the registry", verify: [docker, pull, "${image}:${version}"] }
            - { id: review, text: "Code review approved" }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.05 }
          ready: { kube: ready-replicas }
        stages:
          - { id: build, docker: build, context: app }
          - { id: push, docker: push, needs: [build] }
          - { id: smoke, docker: run, argv: ["${image}:${version}", /bin/busybox, test, -d, /srv/www], needs: [push] }
          - { id: staging, deploy: staging, needs: [smoke] }
          - { id: gate, gate: [checklist:pre-deploy, approvals:production], needs: [staging] }
          - { id: production, deploy: production, needs: [gate] }
          - { id: watch, monitor: production, for: 2s, needs: [production] }
        """)
        try check(world)
        let started = try world.gantry("deploy", "production", "--version", "2.0.0", "--sample-interval", "0.3")
        XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
        if let range = started.stdout.range(of: "executor pid "), let pid = Int32(started.stdout[range.upperBound...].prefix { $0.isNumber }) {
            world.adopt(pid)
        }
        let id = DeployID("production-2.0.0-1")
        let atGate = try world.eventually(120) { try world.state().deploys[id]?.stages.first { $0.id == "gate" }?.status == .running }
        let deploy = { try XCTUnwrap(try world.state().deploys[id]) }
        let stages = { (try? deploy())?.stages.map { "\($0.id) \($0.status) \($0.reason)" } ?? [] }
        XCTAssertTrue(atGate, "the deploy reaches the gate: \(stages())")
        XCTAssertTrue(try world.eventually { try deploy().checklists.first?.items.first?.isSatisfied == true },
                      "`docker pull` of the pushed image ticks `pulled`")
        XCTAssertEqual(try world.image(context: "staging"), "\(image):2.0.0")
        XCTAssertEqual(try world.image(context: "prod"), "\(image):1.0.0", "production waits behind the gate")

        XCTAssertEqual(try world.gantry("tick", "production", "review", "--actor", "dave").status, 0)
        let selfApproval = try world.gantry("approve", "production", "--actor", "alice")
        XCTAssertEqual(selfApproval.status, 1, "alice started the deploy and is no approver: the rulebook refuses her approval")
        XCTAssertEqual(selfApproval.stderr, "Error: alice may not approve production (approvers: bob, carol)\n")
        XCTAssertEqual(try world.gantry("approve", "production", "--actor", "bob").status, 0)

        XCTAssertTrue(try world.eventually(120) { try deploy().status.isFinished },
                      "the deploy ends: \(stages())")
        let final = try deploy()
        XCTAssertEqual(final.status, .succeeded, final.outcomeReason)
        XCTAssertEqual(final.stages.map(\.id), ["build", "push", "smoke", "staging", "gate", "production", "watch"])
        XCTAssertEqual(final.stages.map(\.status), Array(repeating: .succeeded, count: 7))
        XCTAssertEqual(final.stages[0].command, ["docker", "build", "-t", "\(image):2.0.0", "app"])
        XCTAssertEqual(final.stages[0].progress?.label, "build step 5/5")
        XCTAssertTrue(final.stages[1].progress?.label.hasPrefix("pushed sha256:") ?? false, "\(String(describing: final.stages[1].progress))")
        XCTAssertTrue(final.stages[2].command.starts(with: ["docker", "run", "--name"]))
        XCTAssertEqual(final.checklists.first?.items.first?.evidence.contains("2.0.0"), true)
        XCTAssertEqual(try world.image(context: "prod"), "\(image):2.0.0", "stable was promoted")
        XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web-canary", "-o",
                                         "jsonpath={.spec.replicas}").stdout, "0", "the canary is scaled away after promotion")
        XCTAssertGreaterThanOrEqual(final.metrics["error-rate"]?.totalCount ?? 0, 2, "the watch window sampled the error rate")
        let pulled = try BuiltBinary.runPath("/usr/local/bin/docker", ["image", "inspect", "--format", "{{.Id}}", "\(image):2.0.0"],
                                             environment: world.environment)
        XCTAssertEqual(pulled.status, 0, "the image exists in the engine: \(pulled.stderr)")
        let state = try world.state()
        XCTAssertEqual(state.environments["production"]?.currentVersion, "2.0.0")
        XCTAssertEqual(state.environments["staging"]?.currentVersion, "2.0.0", "staging was deployed on the way")
    }

    /// A failing RUN fails the build with its output kept; nothing is pushed or deployed. A smoke
    /// run that exits 3 fails even when the file says `--rm` (podman answers 0 for those).
    func testFailingBuildAndFailingSmokeRunStopThePipeline() throws {
        let (world, engine) = try world()
        let image = "\(engine.registry)/shop/web"
        try world.createApp(context: "staging", image: "\(image):1.0.0")
        try engine.writeContext(world.directory + "/bad", dockerfile: [#"RUN ["/bin/busybox", "sh", "-c", "echo compiling; exit 7"]"#])
        try engine.writeContext(world.directory + "/good", dockerfile: [])
        func pipeline(_ context: String) throws {
            try world.writePipeline("""
            app: web
            image: \(image)
            environments:
              staging: { kube: { context: staging, namespace: web }, strategy: rolling }
            stages:
              - { id: build, docker: build, context: \(context) }
              - { id: smoke, docker: run, argv: [--rm, "${image}:${version}", /bin/busybox, sh, -c, "echo smoke; exit 3"], needs: [build] }
              - { id: deploy, deploy: staging, needs: [smoke] }
            """)
            try check(world)
        }
        try pipeline("bad")
        let failed = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(failed.status, 1, failed.stdout + failed.stderr)
        XCTAssertTrue(failed.stdout.contains("[build] compiling"), failed.stdout)
        let ids = try world.state().deploys.map(\.id.rawValue)
        var deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.1.0-1")], "\(ids)")
        XCTAssertEqual(deploy.stages.map(\.status), [.failed, .skipped, .skipped])
        XCTAssertTrue(deploy.stages[0].reason.hasPrefix("`docker build -t \(image):1.1.0 bad` exited with status 1"), deploy.stages[0].reason)
        XCTAssertEqual(try world.image(context: "staging"), "\(image):1.0.0")

        try pipeline("good")
        let smoke = try world.gantry("deploy", "staging", "--version", "1.1.1", "--headless")
        XCTAssertEqual(smoke.status, 1, smoke.stdout + smoke.stderr)
        XCTAssertTrue(smoke.stdout.contains("[smoke] smoke"), smoke.stdout)
        deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.1.1-2")])
        XCTAssertEqual(deploy.stages.map(\.status), [.succeeded, .failed, .skipped])
        XCTAssertFalse(deploy.stages[1].command.contains("--rm"))
        XCTAssertTrue(deploy.stages[1].reason.contains("exited with status 3"), deploy.stages[1].reason)
        XCTAssertEqual(try world.image(context: "staging"), "\(image):1.0.0")
        let containers = try BuiltBinary.runPath("/usr/local/bin/docker", ["ps", "-a", "--format", "{{.Names}}"],
                                                 environment: world.environment)
        XCTAssertEqual(containers.status, 0, containers.stderr)
        XCTAssertFalse(containers.stdout.contains("gantry-smoke-"), "the smoke container was removed: \(containers.stdout)")
    }

    /// A canary analysed on a Prometheus query (the simulator's request counters, scraped by a
    /// real Prometheus): the bad version's 5xx ratio crosses critical and the canary is rolled back.
    func testPrometheusMetricRollsBackABadCanary() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 4)
        try world.createService(context: "prod")
        let prometheus = try world.startPrometheus()
        let ratio = #"sum(rate(http_requests_total{cluster=\"prod\",service=\"web\",version=\"${version}\",code=~\"5..\"}[5s]))"#
            + #" / sum(rate(http_requests_total{cluster=\"prod\",service=\"web\",version=\"${version}\"}[5s]))"#
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [50, 100], pause: 15s }
            health: { url: "\(try world.serviceURL(context: "prod"))/" }
        metrics:
          traffic: { probe: health, measure: latency-p95 }
          canary-5xx: { prometheus: "\(ratio)", warn: 0.02, critical: 0.05 }
        rollback:
          # What this test is about: the Prometheus metric. The health probe reads the blended
          # service, where the bad version's 500s may come before Prometheus has two scrapes.
          automatic: [critical-metric, progress-deadline]
        stages:
          - { id: production, deploy: production }
        """)
        try check(world)
        let result = try world.gantry("deploy", "production", "--version", "2.0.0-bad", "--headless",
                                      "--sample-interval", "0.5", "--prometheus", prometheus)
        XCTAssertEqual(result.status, 2, "exit status 2 means rolled back:\n" + result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("rollback requested: automatic (critical-metric)"), result.stdout)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("production-2.0.0-bad-1")])
        XCTAssertEqual(deploy.status, .rolledBack)
        XCTAssertEqual(deploy.metrics["canary-5xx"]?.level, .critical)
        XCTAssertGreaterThan(deploy.metrics["canary-5xx"]?.latest ?? 0, 0.05)
        XCTAssertEqual(try world.image(context: "prod"), "127.0.0.1:5000/shop/web:1.0.0")
    }
}
