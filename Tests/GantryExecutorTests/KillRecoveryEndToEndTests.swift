import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// kill -9 of the background executor at random points of a canary and a blue-green deploy,
/// then `gantry agent`: the agent adopts the deploy and finishes it, and the cluster ends with
/// its original replica count and the new version at a known revision, every time.
///
/// Rounds per strategy: `GANTRY_KILL_ROUNDS` (default 6; the note's figures come from 30).
final class KillRecoveryEndToEndTests: XCTestCase {
    private var rounds: Int { Int(ProcessInfo.processInfo.environment["GANTRY_KILL_ROUNDS"] ?? "") ?? 6 }

    /// The executor's pid from `gantry deploy`'s output.
    private func executorPID(_ output: String) throws -> Int32 {
        guard let range = output.range(of: #"executor pid (\d+)"#, options: .regularExpression),
              let pid = Int32(output[range].split(separator: " ").last!) else { throw World.Failure("no pid in: \(output)") }
        return pid
    }

    /// Starts `gantry agent`, waits until `done` holds, stops the agent.
    private func agent(_ world: World, until done: () throws -> Bool) throws -> Bool {
        let process = try world.startAgent()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        return try world.eventually(60, done)
    }

    private func killRounds(_ world: World, environment: String, check: (_ version: String) throws -> String?) throws {
        var generator = SystemRandomNumberGenerator()
        var failures: [String] = []
        for round in 1...rounds {
            let version = "1.\(round).0"
            let started = try world.gantry("deploy", environment, "--version", version)
            XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
            let pid = try executorPID(started.stdout)
            let delay = Double.random(in: 0.1...3.0, using: &generator)
            usleep(UInt32(delay * 1_000_000))
            kill(pid, SIGKILL)
            var reaped: Int32 = 0
            _ = waitpid(pid, &reaped, WNOHANG)
            let id = DeployID("\(environment)-\(version)-\(round)")
            let finished = try agent(world) { try world.state().deploys[id]?.status.isFinished == true }
            let status = try world.state().deploys[id]?.status
            if !finished || status != .succeeded {
                failures.append("round \(round) (killed after \(String(format: "%.2f", delay)) s): \(status?.rawValue ?? "?")")
                continue
            }
            if let problem = try check(version) { failures.append("round \(round) (killed after \(String(format: "%.2f", delay)) s): \(problem)") }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(rounds) rounds ended wrong")
    }

    private func replicas(_ world: World, _ deployment: String) throws -> (desired: String, image: String, revision: String) {
        let read = { (path: String) in
            try world.kubectl("--context", "prod", "-n", "web", "get", "deployment", deployment, "-o", "jsonpath=\(path)").stdout
        }
        return (try read("{.spec.replicas}"), try read("{.spec.template.spec.containers[0].image}"),
                try read("{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
    }

    func testKilledCanaryDeploysAreAdoptedAndEndAtTheOriginalSize() throws {
        let world = try World()
        try world.createApp(context: "prod", replicas: 5)
        try world.createService(context: "prod")
        try world.writePipeline("""
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [20, 60, 100], pause: 1s }
        stages:
          - { id: production, deploy: production }
        """)
        try killRounds(world, environment: "production") { version in
            let stable = try replicas(world, "web"), canary = try replicas(world, "web-canary")
            if stable.desired != "5" { return "stable has \(stable.desired) replicas, not 5" }
            if stable.image != "127.0.0.1:5000/shop/web:\(version)" { return "stable runs \(stable.image)" }
            if canary.desired != "0" { return "the canary still has \(canary.desired) replicas" }
            if Int(stable.revision) == nil { return "stable has no revision" }
            return nil
        }
    }

    func testKilledBlueGreenDeploysAreAdoptedAndServeTheNewColour() throws {
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
        stages:
          - { id: production, deploy: production }
        """)
        try killRounds(world, environment: "production") { version in
            let colour = try world.kubectl("--context", "prod", "-n", "web", "get", "service", "web", "-o",
                                           "jsonpath={.spec.selector.colour}").stdout
            let live = try replicas(world, "web-\(colour)")
            if live.image != "127.0.0.1:5000/shop/web:\(version)" { return "service selects \(colour), which runs \(live.image)" }
            if live.desired != "2" { return "\(colour) has \(live.desired) replicas, not 2" }
            if Int(live.revision) == nil { return "\(colour) has no revision" }
            return nil
        }
    }
}
