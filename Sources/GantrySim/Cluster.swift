import NIOConcurrencyHelpers

/// One simulated cluster: its own object space, guarded by a lock, plus what the controller remembers about pods.
public final class Cluster: @unchecked Sendable {
    /// The cluster's name (also its kubeconfig context name).
    public let name: String
    private let lock = NIOLock()
    let space = ObjectSpace()
    /// Controller memory of each pod, by uid (not part of the API objects).
    var pods: [String: PodRuntime] = [:]
    private var nextServiceIP = 10
    private var nextPodIP = 10
    /// Pods being terminated, by `namespace/name`, with the time they go away.
    var terminating: [String: Double] = [:]
    /// How long a deleted pod stays Terminating (0: deleted at once).
    let terminateSeconds: Double
    /// The resource version the controller last saw settle (a tick that wrote nothing).
    var settledVersion = -1
    /// When the controller must look again even if nothing was written (pod stage changes, deadlines).
    var nextWake = 0.0
    /// The longest controller tick so far, in seconds (the lock is held that long).
    var maxTickSeconds = 0.0
    /// Set when objects changed since the last state save.
    var dirty = false

    init(name: String, terminateSeconds: Double = 0) {
        self.name = name
        self.terminateSeconds = terminateSeconds
    }

    /// Deletes a pod gracefully: it shows as Terminating (and gets no traffic) until the controller removes it.
    /// Lock held.
    func terminatePod(_ pod: JSON, now: Double, immediately: Bool = false) {
        guard let name = pod["metadata"]["name"].stringValue else { return }
        let ns = pod["metadata"]["namespace"].stringValue
        if immediately || terminateSeconds <= 0 {
            if let deleted = try? space.delete(.pods, ns, name) {
                pods.removeValue(forKey: deleted["metadata"]["uid"].stringValue ?? "")
            }
            terminating.removeValue(forKey: ObjectSpace.key(ns, name))
            return
        }
        guard pod["metadata"]["deletionTimestamp"].isNull else { return }
        var p = pod
        p[path: ["metadata", "deletionTimestamp"]] = .string(Clock.timestamp(now + terminateSeconds))
        p[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(Int(terminateSeconds.rounded(.up)))
        _ = try? space.update(.pods, p)
        terminating[ObjectSpace.key(ns, name)] = now + terminateSeconds
    }

    /// Removes the pods whose termination is over. Lock held.
    func reapTerminated(now: Double) {
        for (key, until) in terminating where until <= now {
            terminating.removeValue(forKey: key)
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let deleted = try? space.delete(.pods, parts[0], parts[1]) else { continue }
            pods.removeValue(forKey: deleted["metadata"]["uid"].stringValue ?? "")
            dirty = true
        }
    }

    /// Runs `body` with exclusive access to the cluster.
    func locked<T, E: Error>(_ body: (Cluster) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    func allocateServiceIP() -> String {
        nextServiceIP += 1
        return "10.96.\(nextServiceIP / 250).\(nextServiceIP % 250 + 1)"
    }

    func allocatePodIP() -> String {
        nextPodIP += 1
        return "10.244.\(nextPodIP / 250).\(nextPodIP % 250 + 1)"
    }

    /// Ensures a namespace exists (used for `default`, `kube-system` and scenario namespaces).
    func ensureNamespace(_ ns: String) {
        locked { c in
            if c.space.get(.namespaces, nil, ns) == nil {
                let o = Defaults.apply(.namespaces, ["metadata": ["name": .string(ns)]], clusterIP: { "" })
                _ = try? c.space.create(.namespaces, o)
            }
        }
    }

    /// Number of objects of a kind, across namespaces (for tests and status lines).
    public func count(_ resource: ResourceKind) -> Int {
        locked { $0.space.objects[resource]?.count ?? 0 }
    }

    /// A copy of one object, if it exists.
    public func object(_ resource: ResourceKind, namespace: String?, name: String) -> JSON? {
        locked { $0.space.get(resource, namespace, name) }
    }

    /// Copies of the objects of a kind in a namespace (all namespaces when nil).
    public func objects(_ resource: ResourceKind, namespace: String?) -> [JSON] {
        locked { $0.space.list(resource, namespace: namespace) }
    }
}
