import Foundation
import NIOConcurrencyHelpers

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

    /// Opens listeners for new Services and closes those of deleted ones. Returns whether anything changed.
    @discardableResult
    func reconcile(clusters: [Cluster], server: SimServer) async -> Bool {
        var wanted = Set<Key>()
        for c in clusters {
            for s in c.objects(.services, namespace: nil) {
                guard let ns = s["metadata"]["namespace"].stringValue, let name = s["metadata"]["name"].stringValue else { continue }
                wanted.insert(Key(cluster: c.name, namespace: ns, name: name))
            }
        }
        let (existing, preferred) = lock.withLock { (Set(listeners.keys), _preferred) }
        var changed = false
        for key in wanted.subtracting(existing) {
            guard let cluster = clusters.first(where: { $0.name == key.cluster }) else { continue }
            let responder = ServiceResponder(cluster: cluster, namespace: key.namespace, service: key.name,
                                             metrics: server.metrics)
            var l = try? await HTTPListener.start(group: server.group, port: preferred[key.text] ?? 0, responder: responder)
            if l == nil, preferred[key.text] != nil {
                l = try? await HTTPListener.start(group: server.group, port: 0, responder: responder)
            }
            guard let l else { continue }
            lock.withLock { listeners[key] = l }
            changed = true
        }
        for key in existing.subtracting(wanted) {
            let l = lock.withLock { listeners.removeValue(forKey: key) }
            await l?.close()
            changed = true
        }
        if changed { lock.withLock { _version += 1 } }
        return changed
    }

    func closeAll() async {
        let all = lock.withLock { () -> [HTTPListener] in
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

    func reconcileServices() async {
        if await services.reconcile(clusters: clusters, server: self) {
            endpointsChanged()
        }
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
