import ArgumentParser
import Dispatch
import Foundation
import GantrySim

/// `gantry sim`: runs the simulated Kubernetes clusters on 127.0.0.1 and writes a kubeconfig for them.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run simulated Kubernetes clusters that the real kubectl drives, and write a kubeconfig.",
        discussion: """
            Writes a kubeconfig with one context per simulated cluster and, beside it, sim-endpoints.json with the \
            API, metrics and per-Service endpoint addresses. Stops cleanly on SIGINT or SIGTERM.
            """
    )

    @Option(help: "API port on 127.0.0.1 (0 picks a free port).")
    var port: Int = 0

    @Option(help: "Where to write the kubeconfig.")
    var kubeconfig: String

    @Option(help: "A state file: loaded at start when present, saved while running and at exit.")
    var state: String?

    @Option(help: "A scenario file (JSON): clusters, timing, version profiles, faults.")
    var scenario: String?

    @Option(help: "Where to write the endpoints file (default: sim-endpoints.json beside the kubeconfig).")
    var endpoints: String?

    @Option(help: "Default namespace of the kubeconfig contexts.")
    var namespace: String = "default"

    @Option(help: "Fraction of API resource requests answered with an injected error.")
    var apiErrorRate: Double?

    @Option(help: "Status code of injected API errors (500 or 429).")
    var apiErrorCode: Int?

    @Option(help: "Extra delay of every API resource response, in milliseconds.")
    var apiDelayMs: Double?

    @Option(help: "Cut every watch after this many seconds.")
    var watchDropSeconds: Double?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let r = apiErrorRate, !(0...1).contains(r) { throw ValidationError("--api-error-rate must be between 0 and 1") }
    }

    func run() async throws {
        var sc = Scenario()
        do {
            if let scenario { sc = try Scenario.load(path: scenario) }
        } catch {
            throw ValidationError(error.description)
        }
        if let apiErrorRate { sc.faults.apiErrorRate = apiErrorRate }
        if let apiErrorCode { sc.faults.apiErrorCode = apiErrorCode }
        if let apiDelayMs { sc.faults.apiDelayMs = apiDelayMs }
        if let watchDropSeconds { sc.faults.watchDropSeconds = watchDropSeconds }
        if !sc.namespaces.contains(namespace), namespace != "default" { sc.namespaces.append(namespace) }

        let sim: SimServer
        do {
            sim = try await SimServer.start(SimServer.Options(port: port, scenario: sc, statePath: state))
            try sim.writeKubeconfig(to: kubeconfig, endpointsPath: endpoints, namespace: namespace)
        } catch {
            FileHandle.standardError.write(Data("gantry sim: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let endpointsPath = endpoints ?? SimServer.defaultEndpointsPath(kubeconfig: kubeconfig)
        var lines = ["gantry sim: API server listening on \(sim.baseURL)"]
        for c in sim.clusters {
            lines.append("  context \(c.name): \(sim.serverURL(cluster: c.name))")
        }
        lines.append("  kubeconfig: \(kubeconfig)")
        lines.append("  endpoints: \(endpointsPath)")
        lines.append("  metrics: \(sim.metricsURL)")
        print(lines.joined(separator: "\n"))
        fflush(nil)

        let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
        await sim.stop()
        print("gantry sim: stopped (\(signal == SIGINT ? "SIGINT" : "SIGTERM"))")
        fflush(nil)
    }
}

/// Waits for the first of some signals, with their default action turned off.
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { (cont: CheckedContinuation<Int32, Never>) in
            let state = Once(cont)
            for s in signals {
                Foundation.signal(s, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
                source.setEventHandler { state.resume(s) }
                source.resume()
                state.keep(source)
            }
        }
    }

    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var cont: CheckedContinuation<Int32, Never>?
        private var sources: [any DispatchSourceSignal] = []

        init(_ cont: CheckedContinuation<Int32, Never>) { self.cont = cont }

        func keep(_ s: any DispatchSourceSignal) { lock.withLock { sources.append(s) } }

        func resume(_ signal: Int32) {
            let c = lock.withLock { () -> CheckedContinuation<Int32, Never>? in
                let c = cont
                cont = nil
                return c
            }
            c?.resume(returning: signal)
        }
    }
}
