import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// Verified deploys and failures recovered, for real: the built binary, the real kubectl and
/// `gantry sim` (with its faults).
final class RecoveryEndToEndTests: XCTestCase {
    /// The API server cuts every watch after 2 s; a rollout of 4 pods takes about 10 s. The
    /// executor watches again each time and the deploy succeeds.
    func testA2SecondWatchDropDoesNotFailA10SecondRollout() throws {
        let world = try World(scenario: """
        {"namespaces": ["web"], "timing": {"scheduleSeconds": 0.1, "startSeconds": 0.3, "readySeconds": 4.5,
         "terminateSeconds": 0.1, "crashBackoffSeconds": 0.3}, "faults": {"watchDropSeconds": 2}}
        """)
        try world.createApp(context: "staging", replicas: 4)
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        stages:
          - { id: deploy, deploy: staging, timeout: 60s }
        """)
        let started = Date()
        let result = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertGreaterThan(seconds, 6, "the rollout outlasted several watch drops")
        let again = result.stdout.components(separatedBy: "(the API server closed it)").count - 1
        XCTAssertGreaterThanOrEqual(again, 2, result.stdout)
        XCTAssertTrue(result.stdout.contains("; watching again"), result.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the rollout through watch drops")
    }

    /// No monitor stage: the verification window after the rolling rollout catches 1.1.0-bad (20%
    /// of its requests fail), rolls it back automatically (exit 2), and 1.1.0-bad is never
    /// known-good. A good version passes the window and is.
    func testTheVerificationWindowCatchesABadRollingVersion() throws {
        let world = try World()
        try world.createApp(context: "staging")
        try world.createService(context: "staging")
        let url = try world.serviceURL(context: "staging")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
            health: { url: "\(url)/healthz", expect: 200 }
            verify: { for: 6s, interval: 1s }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.05 }
        stages:
          - { id: deploy, deploy: staging }
        """)
        let good = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("[deploy] verifying 1.1.0 on staging for 6s (metrics and health every 1s)"), good.stdout)
        XCTAssertTrue(good.stdout.contains("[deploy] verified: 6s without a critical metric or a failed health check"), good.stdout)
        XCTAssertEqual(try world.state().environments["staging"]?.knownGood, ["1.1.0"])

        let started = Date()
        let bad = try world.gantry("deploy", "staging", "--version", "1.2.0-bad", "--headless")
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        // The health check (3 good answers in a row) or the error rate, whichever sees it first.
        XCTAssertTrue(bad.stdout.contains("rollback requested: automatic (critical-metric)")
                      || bad.stdout.contains("rollback requested: automatic (failed-health)"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("rolled back to 1.1.0"), bad.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        let state = try world.state()
        XCTAssertEqual(state.environments["staging"]?.knownGood, ["1.1.0"], "1.2.0-bad was never verified")
        let deploy = try XCTUnwrap(state.deploys[DeployID("staging-1.2.0-bad-2")])
        XCTAssertTrue(deploy.stages[0].reason.hasPrefix("error-rate ") || deploy.stages[0].reason.hasPrefix("health check failed: "),
                      deploy.stages[0].reason)
        try world.assertStatusIsTheCluster(["staging": .init(context: "staging")], "after the verification rolled 1.2.0-bad back")
    }
}

extension RecoveryEndToEndTests {
    /// The API server hangs (SIGSTOP) during `gantry rollback`; SIGTERM stops it at once: exit
    /// 130, and the log says the rollback was interrupted and how to finish it.
    func testARollbackStoppedBySIGTERMAgainstAHungAPIServerExits130() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        stages:
          - { id: deploy, deploy: staging, timeout: 60s }
        """)
        XCTAssertEqual(try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless").status, 0)
        XCTAssertEqual(try world.gantry("deploy", "staging", "--version", "1.2.0", "--headless").status, 0)
        kill(world.simPID, SIGSTOP)
        defer { kill(world.simPID, SIGCONT) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path("gantry"))
        process.arguments = ["rollback", "staging", "--reason", "pager"]
        process.currentDirectoryURL = URL(fileURLWithPath: world.directory)
        process.environment = ProcessInfo.processInfo.environment.merging(world.environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        sleep(2)
        let signalled = Date()
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(signalled), 8, "SIGTERM stops a rollback against a hung API server")
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, text)
        kill(world.simPID, SIGCONT)
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.2.0-2")])
        XCTAssertEqual(deploy.rollback?.succeeded, false)
        XCTAssertTrue(deploy.audit.contains { $0.text.contains("interrupted before it finished; run `gantry rollback staging` to finish it") },
                      deploy.audit.map(\.text).joined(separator: "\n"))
    }
}

extension RecoveryEndToEndTests {
    /// A crash-looping version explains itself while the rollout runs (CrashLoopBackOff and the
    /// last log line), long before its 10 s progress deadline ends it.
    func testACrashLoopIsExplainedBeforeItsDeadline() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2, progressDeadline: 10)
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        stages:
          - { id: deploy, deploy: staging, timeout: 60s }
        """)
        let result = try world.gantry("deploy", "staging", "--version", "1.2.0-crashloop", "--headless")
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        let explained = try XCTUnwrap(result.stdout.range(of: "[deploy] not ready yet: "), result.stdout)
        let deadline = try XCTUnwrap(result.stdout.range(of: "rollout exceeded its progress deadline"), result.stdout)
        XCTAssertLessThan(explained.lowerBound, deadline.lowerBound, "explained before the deadline:\n\(result.stdout)")
        let line = result.stdout[explained.lowerBound...].prefix { $0 != "\n" }
        XCTAssertTrue(line.contains("CrashLoopBackOff") || line.contains("restarts"), String(line))
        let deploy = try XCTUnwrap(try world.state().deploys[DeployID("staging-1.2.0-crashloop-1")])
        XCTAssertTrue(deploy.stages[0].log.lines.contains { $0.text.hasPrefix("not ready yet: ") })
    }
}

extension RecoveryEndToEndTests {
    /// Blue-green with a preview Service: 1.1.0-bad is checked through it on the idle colour and
    /// fails there, so the live Service never points at it (watched all along); exit 2, blue
    /// still serves 1.0.0. A good version passes the preview and is switched to.
    func testBlueGreenChecksTheIdleColourBeforeTheSwitch() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 2, name: "web-blue", labels: "app: web, colour: blue")
        try world.createApp(context: "prod", replicas: 2, name: "web-green", labels: "app: web, colour: green")
        try world.createService(context: "prod", selector: "app: web, colour: blue")
        try world.createService(context: "prod", selector: "app: web, colour: blue", name: "web-preview")
        let live = try world.serviceURL(context: "prod"), preview = try world.serviceURL(context: "prod", name: "web-preview")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: blue-green
            blue-green: { service: web }
            preview: { service: web-preview, url: "\(preview)" }
            health: { url: "\(live)/healthz" }
            verify: { for: 4s, interval: 1s }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.02, critical: 0.05 }
        stages:
          - { id: production, deploy: production }
        """)
        let selector = { try world.kubectl("--context", "prod", "-n", "web", "get", "service", "web", "-o",
                                           "jsonpath={.spec.selector.colour}").stdout }
        let seen = SeenColours()
        let environment = world.environment
        let watcher = Thread {
            while !seen.stopped {
                if let result = try? BuiltBinary.runPath(World.kubectl, ["--context", "prod", "-n", "web", "get", "service", "web", "-o",
                                                                         "jsonpath={.spec.selector.colour}"], environment: environment) {
                    seen.add(result.stdout)
                }
                usleep(100_000)
            }
        }
        watcher.start()
        let bad = try world.gantry("deploy", "production", "--version", "1.1.0-bad", "--headless")
        seen.stop()
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("service/web-preview selects green: checking 1.1.0-bad before service/web switches to it"),
                      bad.stdout)
        XCTAssertFalse(bad.stdout.contains("service/web now selects"), bad.stdout)
        XCTAssertEqual(seen.colours, ["blue"], "the live Service never pointed at the bad colour")
        XCTAssertEqual(try selector(), "blue")
        XCTAssertEqual(try world.image("web-blue", context: "prod"), "127.0.0.1:5000/shop/web:1.0.0")

        let good = try world.gantry("deploy", "production", "--version", "1.2.0", "--headless")
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("verifying 1.2.0 through service/web-preview for 4s, before it takes traffic"), good.stdout)
        XCTAssertEqual(try selector(), "green")
        try world.assertStatusIsTheCluster(["production": .init(context: "prod", blueGreenService: "web")], "after the good switch")
    }
}

/// Colours the live Service was seen selecting, from a polling thread.
private final class SeenColours: @unchecked Sendable {
    private let lock = NSLock()
    private var set: [String] = []
    private var done = false
    var colours: [String] { lock.withLock { set } }
    var stopped: Bool { lock.withLock { done } }
    func add(_ colour: String) { lock.withLock { if !colour.isEmpty, !set.contains(colour) { set.append(colour) } } }
    func stop() { lock.withLock { done = true } }
}

extension RecoveryEndToEndTests {
    /// A canary failing 20% of its requests at a 20% share blends to about 4% over all traffic,
    /// under a 6% critical threshold; judged on its own traffic (a preview Service selecting the
    /// canary's pods alone) it is rolled back every time, and the message names both numbers.
    func testACanaryIsJudgedOnItsOwnTraffic() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 5)
        try world.createService(context: "prod")
        try world.createService(context: "prod", selector: "app: web, track: canary", name: "web-canary-preview")
        let live = try world.serviceURL(context: "prod"), preview = try world.serviceURL(context: "prod", name: "web-canary-preview")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [20, 100], pause: 4s }
            preview: { service: web-canary-preview, url: "\(preview)" }
            health: { url: "\(live)/healthz" }
        metrics:
          error-rate: { probe: health, measure: error-ratio, warn: 0.03, critical: 0.06 }
        stages:
          - { id: production, deploy: production }
        """)
        var judgedOnOwnTraffic = 0
        for round in 1...3 {
            let version = "1.\(round).0-bad"
            let result = try world.gantry("deploy", "production", "--version", version, "--headless", "--sample-interval", "0.5")
            XCTAssertEqual(result.status, 2, "round \(round):\n" + result.stdout + result.stderr)
            // The error rate of the canary's own traffic, or its health check, whichever sees it first.
            if result.stdout.contains("(the canary's own traffic; all traffic ") { judgedOnOwnTraffic += 1 } else {
                XCTAssertTrue(result.stdout.contains("rollback requested: automatic (failed-health)"), result.stdout)
            }
            XCTAssertEqual(try world.image(context: "prod"), "127.0.0.1:5000/shop/web:1.0.0", "round \(round): stable untouched")
            XCTAssertEqual(try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", "web", "-o",
                                             "jsonpath={.spec.replicas}").stdout, "5")
        }
        XCTAssertGreaterThan(judgedOnOwnTraffic, 0, "a 20% error rate is seen in 20 requests of the canary's own traffic")
    }
}
