/// The deployment controller: one ReplicaSet per template, revisions, rolling and recreate strategies, status.
extension Controller {
    /// Resolves an int-or-percent against `total` (percentages round up for surge, down for unavailable).
    static func resolve(_ v: JSON, total: Int, roundUp: Bool) -> Int {
        if let i = v.intValue { return max(0, i) }
        guard let s = v.stringValue, s.hasSuffix("%"), let pct = Double(s.dropLast()) else { return 0 }
        let x = Double(total) * pct / 100
        guard x.isFinite else { return 0 }
        return max(0, Int(min(1e9, roundUp ? x.rounded(.up) : x.rounded(.down))))
    }

    static func surgeAndUnavailable(_ d: JSON) -> (Int, Int) {
        let replicas = d["spec"]["replicas"].intValue ?? 1
        guard d["spec"]["strategy"]["type"].stringValue != "Recreate" else { return (0, replicas) }
        let ru = d["spec"]["strategy"]["rollingUpdate"]
        let surge = resolve(ru["maxSurge"].isNull ? "25%" : ru["maxSurge"], total: replicas, roundUp: true)
        var unavailable = resolve(ru["maxUnavailable"].isNull ? "25%" : ru["maxUnavailable"], total: replicas, roundUp: false)
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, unavailable)
    }

    private func setReplicas(_ c: Cluster, _ rs: inout JSON, _ n: Int, desired: Int, surge: Int) {
        guard rs["spec"]["replicas"].intValue != n else { return }
        rs[path: ["spec", "replicas"]] = .int(n)
        rs[path: ["metadata", "annotations", "deployment.kubernetes.io/desired-replicas"]] = .string(String(desired))
        rs[path: ["metadata", "annotations", "deployment.kubernetes.io/max-replicas"]] = .string(String(desired + surge))
        if let stored = try? c.space.update(.replicasets, rs) { rs = stored }
        c.dirty = true
    }

    func syncDeployment(_ c: Cluster, _ deployment: JSON, _ index: inout OwnerIndex, now: Double) {
        guard let uid = deployment["metadata"]["uid"].stringValue, let ns = deployment["metadata"]["namespace"].stringValue,
              let name = deployment["metadata"]["name"].stringValue else { return }
        var d = deployment
        let replicas = d["spec"]["replicas"].intValue ?? 1
        let paused = d["spec"]["paused"].boolValue == true
        let hash = TemplateHash.hash(d["spec"]["template"])
        var owned = (index.replicaSets[uid] ?? []).sorted {
            ($0["metadata"]["creationTimestamp"].stringValue ?? "", $0["metadata"]["name"].stringValue ?? "")
                < ($1["metadata"]["creationTimestamp"].stringValue ?? "", $1["metadata"]["name"].stringValue ?? "")
        }
        let maxRevision = owned.map(Self.revision).max() ?? 0
        var newIndex = owned.firstIndex { $0["metadata"]["labels"]["pod-template-hash"].stringValue == hash }
        let (surge, unavailable) = Self.surgeAndUnavailable(d)
        let changeCause = d["metadata"]["annotations"]["kubernetes.io/change-cause"]

        if newIndex == nil, !paused {
            var template = d["spec"]["template"]
            template[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
            var selector = d["spec"]["selector"]
            selector[path: ["matchLabels", "pod-template-hash"]] = .string(hash)
            var annotations: JSON = [
                "deployment.kubernetes.io/revision": .string(String(maxRevision + 1)),
                "deployment.kubernetes.io/desired-replicas": .string(String(replicas)),
                "deployment.kubernetes.io/max-replicas": .string(String(replicas + surge)),
            ]
            if !changeCause.isNull { annotations["kubernetes.io/change-cause"] = changeCause }
            let anyActive = owned.contains { ($0["spec"]["replicas"].intValue ?? 0) > 0 }
            let rs: JSON = [
                "metadata": ["name": .string("\(name)-\(hash)"), "namespace": .string(ns),
                             "labels": template["metadata"]["labels"], "annotations": annotations,
                             "ownerReferences": [["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name),
                                                  "uid": .string(uid), "controller": true, "blockOwnerDeletion": true]]],
                "spec": ["replicas": .int(anyActive ? 0 : replicas), "selector": selector, "template": template],
                "status": ["replicas": 0],
            ]
            if let created = try? c.space.create(.replicasets, rs) {
                owned.append(created)
                newIndex = owned.count - 1
                c.dirty = true
            }
        } else if let i = newIndex, !paused, Self.revision(owned[i]) < maxRevision || changeCause != owned[i]["metadata"]["annotations"]["kubernetes.io/change-cause"] {
            // A rollback made an old template current again: it becomes the newest revision.
            var rs = owned[i]
            if Self.revision(rs) < maxRevision {
                rs[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] = .string(String(maxRevision + 1))
            }
            if !changeCause.isNull { rs[path: ["metadata", "annotations", "kubernetes.io/change-cause"]] = changeCause }
            if let stored = try? c.space.update(.replicasets, rs) { owned[i] = stored }
        }

        if let i = newIndex {
            let revision = String(Self.revision(owned[i]))
            if d["metadata"]["annotations"]["deployment.kubernetes.io/revision"].stringValue != revision {
                d[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] = .string(revision)
                if let stored = try? c.space.update(.deployments, d) { d = stored }
            }
        }
        guard let ni = newIndex else { return }
        var newRS = owned[ni]
        var olds = owned.enumerated().filter { $0.offset != ni }.map(\.element)

        if paused {
            if olds.allSatisfy({ ($0["spec"]["replicas"].intValue ?? 0) == 0 }) {
                setReplicas(c, &newRS, replicas, desired: replicas, surge: surge)
            }
        } else if d["spec"]["strategy"]["type"].stringValue == "Recreate" {
            for k in olds.indices where (olds[k]["spec"]["replicas"].intValue ?? 0) > 0 {
                setReplicas(c, &olds[k], 0, desired: replicas, surge: 0)
            }
            let oldPods = olds.reduce(0) { $0 + (index.pods[$1["metadata"]["uid"].stringValue ?? ""]?.count ?? 0) }
            if oldPods == 0 { setReplicas(c, &newRS, replicas, desired: replicas, surge: 0) }
        } else {
            rollingStep(c, &newRS, &olds, replicas: replicas, surge: surge, unavailable: unavailable)
        }
        cleanupHistory(c, d, olds, index)
        index = OwnerIndex(c)
    }

    private func rollingStep(_ c: Cluster, _ newRS: inout JSON, _ olds: inout [JSON], replicas: Int, surge: Int, unavailable: Int) {
        func total() -> Int { olds.reduce(newRS["spec"]["replicas"].intValue ?? 0) { $0 + ($1["spec"]["replicas"].intValue ?? 0) } }
        let newReplicas = newRS["spec"]["replicas"].intValue ?? 0
        if newReplicas < replicas {
            let room = replicas + surge - total()
            if room > 0 { setReplicas(c, &newRS, newReplicas + min(room, replicas - newReplicas), desired: replicas, surge: surge) }
        } else if newReplicas > replicas {
            setReplicas(c, &newRS, replicas, desired: replicas, surge: surge)
        }
        let minAvailable = replicas - unavailable
        let newUnavailable = max(0, (newRS["spec"]["replicas"].intValue ?? 0) - (newRS["status"]["availableReplicas"].intValue ?? 0))
        var maxScaledDown = total() - minAvailable - newUnavailable
        guard maxScaledDown > 0 else { return }
        // First old replicas that are not available anyway.
        for k in olds.indices where maxScaledDown > 0 {
            let spec = olds[k]["spec"]["replicas"].intValue ?? 0
            let unhealthy = spec - (olds[k]["status"]["availableReplicas"].intValue ?? 0)
            guard unhealthy > 0 else { continue }
            let dec = min(unhealthy, maxScaledDown, spec)
            setReplicas(c, &olds[k], spec - dec, desired: replicas, surge: surge)
            maxScaledDown -= dec
        }
        // Then healthy ones, as far as availability allows.
        let available = olds.reduce(newRS["status"]["availableReplicas"].intValue ?? 0) { $0 + ($1["status"]["availableReplicas"].intValue ?? 0) }
        var scaleDown = min(available - minAvailable, maxScaledDown)
        for k in olds.indices where scaleDown > 0 {
            let spec = olds[k]["spec"]["replicas"].intValue ?? 0
            guard spec > 0 else { continue }
            let dec = min(spec, scaleDown)
            setReplicas(c, &olds[k], spec - dec, desired: replicas, surge: surge)
            scaleDown -= dec
        }
    }

    private func cleanupHistory(_ c: Cluster, _ d: JSON, _ olds: [JSON], _ index: OwnerIndex) {
        let limit = d["spec"]["revisionHistoryLimit"].intValue ?? 10
        let idle = olds.filter {
            ($0["spec"]["replicas"].intValue ?? 0) == 0 && (index.pods[$0["metadata"]["uid"].stringValue ?? ""] ?? []).isEmpty
        }.sorted { Self.revision($0) < Self.revision($1) }
        guard idle.count > limit else { return }
        for rs in idle.prefix(idle.count - limit) {
            _ = try? c.space.delete(.replicasets, rs["metadata"]["namespace"].stringValue, rs["metadata"]["name"].stringValue ?? "")
        }
    }
}
