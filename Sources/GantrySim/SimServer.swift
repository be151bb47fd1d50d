import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The simulated Kubernetes clusters: an API server on 127.0.0.1 that the real kubectl drives, the controller that
/// rolls pods over time, and one loopback HTTP endpoint per Service.
///
/// ```swift
/// let sim = try await SimServer.start(SimServer.Options(port: 0))
/// try sim.writeKubeconfig(to: "/tmp/kubeconfig")
/// // kubectl --kubeconfig /tmp/kubeconfig --context staging get deployments
/// await sim.stop()
/// ```
public final class SimServer: Sendable {
    /// How to start the simulator.
    public struct Options: Sendable {
        /// API port; 0 picks a free one.
        public var port: Int
        /// Behaviour, timing, clusters and faults.
        public var scenario: Scenario
        /// A state file: loaded at start when present, saved while running and at stop.
        public var statePath: String?

        public init(port: Int = 0, scenario: Scenario = Scenario(), statePath: String? = nil) {
            self.port = port
            self.scenario = scenario
            self.statePath = statePath
        }
    }

    /// The simulated clusters, in scenario order.
    public let clusters: [Cluster]
    /// Traffic metrics of all service endpoints (also served at `/metrics`).
    public let metrics: TrafficMetrics
    /// The API port.
    public let port: Int
    let options: Options
    let group: MultiThreadedEventLoopGroup
    let listener: HTTPListener
    let faults: NIOLockedValueBox<Faults>
    let services = ServiceEndpoints()
    let endpointsFile: NIOLockedValueBox<String?> = NIOLockedValueBox(nil)
    /// The controller runs on its own thread, independent of Swift's cooperative pool and of the HTTP loops.
    let controllerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let ticker: NIOLockedValueBox<RepeatedTask?> = NIOLockedValueBox(nil)
    private let lastSave = NIOLockedValueBox(Clock.now())

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// The Prometheus metrics URL.
    public var metricsURL: String { "\(baseURL)/metrics" }

    /// The server URL of one cluster (what its kubeconfig entry points at).
    public func serverURL(cluster: String) -> String { "\(baseURL)/clusters/\(cluster)" }

    /// The cluster called `name`.
    public func cluster(_ name: String) -> Cluster? { clusters.first { $0.name == name } }

    private init(options: Options, clusters: [Cluster], metrics: TrafficMetrics, group: MultiThreadedEventLoopGroup,
                 listener: HTTPListener, faults: NIOLockedValueBox<Faults>) {
        self.options = options
        self.clusters = clusters
        self.metrics = metrics
        self.group = group
        self.listener = listener
        self.port = listener.port
        self.faults = faults
    }

    /// Starts listening and running the controller.
    public static func start(_ options: Options = Options()) async throws(SimError) -> SimServer {
        let scenario = options.scenario
        let clusters = scenario.clusters.map { Cluster(name: $0, terminateSeconds: scenario.terminateSeconds) }
        var savedPorts: [String: Int] = [:]
        if let path = options.statePath, FileManager.default.fileExists(atPath: path) {
            savedPorts = try StateFile.load(path: path, into: clusters)
        }
        for c in clusters {
            for ns in ["default", "kube-system"] + scenario.namespaces { c.ensureNamespace(ns) }
        }
        let metrics = TrafficMetrics()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let faults = NIOLockedValueBox(scenario.faults)
        let api = APIHandler(clusters: clusters, watchTimeoutSeconds: scenario.watchTimeoutSeconds, metricsText: { metrics.render() })
        let listener: HTTPListener
        do {
            listener = try await HTTPListener.start(group: group, port: options.port,
                                                    responder: APIResponder(api: api, faults: faults))
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let server = SimServer(options: options, clusters: clusters, metrics: metrics, group: group, listener: listener,
                               faults: faults)
        server.services.preferredPorts = savedPorts
        await server.services.reconcileAndWait(clusters: clusters, server: server)
        let controller = Controller(scenario: scenario)
        let task = server.controllerGroup.next().scheduleRepeatedTask(
            initialDelay: .zero, delay: .nanoseconds(Clock.nanoseconds(scenario.tickSeconds))
        ) { _ in
            server.tick(controller)
        }
        server.ticker.withLockedValue { $0 = task }
        return server
    }

    /// One controller period: every cluster, the service endpoints, and the state file when due.
    private func tick(_ controller: Controller) {
        let now = Clock.now()
        for c in clusters { controller.tick(c, now: now) }
        services.reconcile(clusters: clusters, server: self)
        guard let path = options.statePath else { return }
        let due = lastSave.withLockedValue { last in
            guard now - last > 1 else { return false }
            last = now
            return true
        }
        if due, clusters.contains(where: { $0.locked { $0.dirty } }) { try? saveState(path: path) }
    }

    /// Replaces the injected faults while running.
    public func setFaults(_ f: Faults) { faults.withLockedValue { $0 = f } }

    /// Saves every cluster's objects to the state file now.
    public func saveState(path: String) throws(SimError) {
        try StateFile.save(path: path, clusters: clusters, ports: services.ports())
    }

    /// Stops the controller, the service endpoints and the API server; saves state when a state file is set.
    public func stop() async {
        let task = ticker.withLockedValue { t -> RepeatedTask? in
            let old = t
            t = nil
            return old
        }
        if let task {
            let done = controllerGroup.next().makePromise(of: Void.self)
            task.cancel(promise: done)
            try? await done.futureResult.get()
        }
        try? await controllerGroup.shutdownGracefully()
        if let path = options.statePath { try? saveState(path: path) }
        await services.closeAll()
        await listener.close()
        try? await group.shutdownGracefully()
    }
}
