import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The loopback listeners of all Services, one port each, opened and closed as Services come and go.
final class ServiceEndpoints: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        let cluster, namespace, name: String
        var text: String { "\(cluster)/\(namespace)/\(name)" }
    }

    private let lock = NIOLock()
    private var listeners: [Key: HTTPListener] = [:]
    private var _preferred: [String: Int] = [:]
    private var _version = 0

    /// Ports to try first, by `cluster/namespace/name` (from a state file).
    var preferredPorts: [String: Int] {
        get { lock.withLock { _preferred } }
        set { lock.withLock { _preferred = newValue } }
    }

    /// Changes each time the set of endpoints changes.
    var version: Int { lock.withLock { _version } }

    /// Current ports by `cluster/namespace/name`.
    func ports() -> [String: Int] {
        lock.withLock {
            var out: [String: Int] = [:]
            for (k, l) in listeners { out[k.text] = l.port }
            return out
        }
    }

    func port(_ key: Key) -> Int? { lock.withLock { listeners[key]?.port } }

    private var pending = Set<Key>()
    private var closed = false

    /// Opens listeners for new Services and closes those of deleted ones, without blocking: binds complete later
    /// and rewrite the endpoints file when they do.
    func reconcile(clusters: [Cluster], server: SimServer) {
        _ = startReconcile(clusters: clusters, server: server)
    }

    /// Like ``reconcile(clusters:server:)`` but waits for the binds (used at start).
    func reconcileAndWait(clusters: [Cluster], server: SimServer) async {
        for f in startReconcile(clusters: clusters, server: server) { _ = try? await f.get() }
    }

    private func startReconcile(clusters: [Cluster], server: SimServer) -> [EventLoopFuture<Void>] {
        var wanted = Set<Key>()
        for c in clusters {
            for s in c.objects(.services, namespace: nil) {
                guard let ns = s["metadata"]["namespace"].stringValue, let name = s["metadata"]["name"].stringValue else { continue }
                wanted.insert(Key(cluster: c.name, namespace: ns, name: name))
            }
        }
        let (toOpen, toClose, preferred) = lock.withLock { () -> (Set<Key>, [HTTPListener], [String: Int]) in
            guard !closed else { return ([], [], [:]) }
            let open = wanted.subtracting(listeners.keys).subtracting(pending)
            pending.formUnion(open)
            var gone: [HTTPListener] = []
            for key in Set(listeners.keys).subtracting(wanted) {
                if let l = listeners.removeValue(forKey: key) { gone.append(l) }
            }
            if !gone.isEmpty { _version += 1 }
            return (open, gone, _preferred)
        }
        for l in toClose { l.channel.close(promise: nil) }
        if !toClose.isEmpty { server.endpointsChanged() }
        var futures: [EventLoopFuture<Void>] = []
        for key in toOpen {
            guard let cluster = clusters.first(where: { $0.name == key.cluster }) else {
                lock.withLock { _ = pending.remove(key) }
                continue
            }
            let responder = ServiceResponder(cluster: cluster, namespace: key.namespace, service: key.name, metrics: server.metrics)
            var bound = HTTPListener.bind(group: server.group, port: preferred[key.text] ?? 0, responder: responder)
            if preferred[key.text] != nil {
                bound = bound.flatMapError { _ in HTTPListener.bind(group: server.group, port: 0, responder: responder) }
            }
            futures.append(bound.map { listener in
                let keep = self.lock.withLock { () -> Bool in
                    self.pending.remove(key)
                    guard !self.closed else { return false }
                    self.listeners[key] = listener
                    self._version += 1
                    return true
                }
                if keep { server.endpointsChanged() } else { listener.channel.close(promise: nil) }
            }.recover { _ in
                self.lock.withLock { _ = self.pending.remove(key) }
            })
        }
        return futures
    }

    func closeAll() async {
        let all = lock.withLock { () -> [HTTPListener] in
            closed = true
            let v = Array(listeners.values)
            listeners = [:]
            return v
        }
        for l in all { await l.close() }
    }
}

extension SimServer {
    /// The loopback URL of a Service's endpoint, once it is open.
    public func serviceURL(cluster: String, namespace: String, name: String) -> String? {
        services.port(.init(cluster: cluster, namespace: namespace, name: name)).map { "http://127.0.0.1:\($0)" }
    }

    /// Everything a client needs to reach the simulator, as written to the endpoints file.
    ///
    /// `{"api": URL, "metrics": URL, "clusters": {NAME: {"server": URL, "services": {"NS/NAME": URL}}}}`
    public func endpointsDocument() -> JSON {
        var cl: [String: JSON] = [:]
        let ports = services.ports()
        for c in clusters {
            var svcs: [String: JSON] = [:]
            for (k, p) in ports where k.hasPrefix(c.name + "/") {
                svcs[String(k.dropFirst(c.name.count + 1))] = .string("http://127.0.0.1:\(p)")
            }
            cl[c.name] = ["server": .string(serverURL(cluster: c.name)), "services": .object(svcs)]
        }
        return ["api": .string(baseURL), "metrics": .string(metricsURL), "clusters": .object(cl)]
    }
}
