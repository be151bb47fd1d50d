/// The controllers of the simulated cluster: deployments, replica sets and pod lifecycles, run in ticks.
///
/// Each tick runs under the cluster lock and writes an object only when it really changes, so an idle cluster
/// produces no events.
struct Controller {
    let scenario: Scenario
    /// The pod annotation holding when it turned ready (Unix seconds with microseconds).
    static let readyAtAnnotation = "sim.gantry.dev/ready-at"

    func tick(_ c: Cluster, now: Double) {
        c.locked { c in
            let before = c.space.resourceVersion
            // Nothing written since the last settled tick and nothing due: an idle cluster costs nothing.
            if before == c.settledVersion && now < c.nextWake { return }
            c.nextWake = .infinity
            advancePods(c, now: now, fullScan: before != c.settledVersion)
            var index = OwnerIndex(c)
            for d in c.space.all(.deployments) {
                syncDeployment(c, d, &index, now: now)
            }
            index = OwnerIndex(c)
            for rs in c.space.all(.replicasets) {
                syncReplicaSet(c, rs, index, now: now)
            }
            index = OwnerIndex(c)
            for rs in c.space.all(.replicasets) {
                updateReplicaSetStatus(c, rs, index)
            }
            index = OwnerIndex(c)
            for d in c.space.all(.deployments) {
                updateDeploymentStatus(c, d, index, now: now)
            }
            for rt in c.pods.values where rt.nextChange < c.nextWake { c.nextWake = rt.nextChange }
            for t in c.terminating.values where t < c.nextWake { c.nextWake = t }
            if c.space.resourceVersion == before { c.settledVersion = before }
            c.maxTickSeconds = max(c.maxTickSeconds, Clock.now() - now)
        }
    }

    /// Children by owner uid, built once per phase of a tick.
    struct OwnerIndex {
        var replicaSets: [String: [JSON]] = [:]
        var pods: [String: [JSON]] = [:]

        init(_ c: Cluster) {
            for rs in c.space.all(.replicasets) {
                if let uid = Controller.controllerUID(rs) { replicaSets[uid, default: []].append(rs) }
            }
            for p in c.space.all(.pods) {
                if let uid = Controller.controllerUID(p) { pods[uid, default: []].append(p) }
            }
        }
    }

    static func controllerUID(_ o: JSON) -> String? {
        (o["metadata"]["ownerReferences"].arrayValue ?? []).first { $0["controller"].boolValue == true }?["uid"].stringValue
    }

    static func revision(_ rs: JSON) -> Int {
        Int(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"].stringValue ?? "") ?? 0
    }

    // MARK: - Pods

    private func advancePods(_ c: Cluster, now: Double, fullScan: Bool) {
        c.reapTerminated(now: now)
        if fullScan {
            for pod in c.space.all(.pods) {
                guard let uid = pod["metadata"]["uid"].stringValue, c.pods[uid] == nil,
                      let name = pod["metadata"]["name"].stringValue else { continue }
                let image = pod["spec"]["containers"].arrayValue?.first?["image"].stringValue ?? ""
                var rt = PodRuntime(profile: scenario.profile(image: image), version: ImageRef(image).tag,
                                    namespace: pod["metadata"]["namespace"].stringValue ?? "", name: name, now: now,
                                    scenario: scenario)
                if pod["status"]["phase"].stringValue == "Running" {
                    // Restored from a state file: it was running already.
                    rt.stage = .creating
                    rt.nextChange = now
                }
                c.pods[uid] = rt
            }
        }
        for (uid, runtime) in c.pods where runtime.nextChange <= now {
            guard let pod = c.space.get(.pods, runtime.namespace, runtime.name) else {
                c.pods.removeValue(forKey: uid)
                continue
            }
            guard pod["metadata"]["deletionTimestamp"].isNull else { continue }
            var rt = runtime
            var changed = false
            while rt.advance(now: now, scenario: scenario, podName: runtime.name) { changed = true }
            c.pods[uid] = rt
            guard changed else { continue }
            var p = pod
            if rt.stage != .unscheduled { p[path: ["spec", "nodeName"]] = "sim-node" }
            let ip = pod["status"]["podIP"].stringValue ?? c.allocatePodIP()
            p["status"] = rt.status(pod: p, podIP: ip)
            if let readyAt = rt.readyAt {
                // Kubernetes timestamps have second precision; this one lets a benchmark time
                // what watchers make of a pod turning ready.
                p[path: ["metadata", "annotations", Self.readyAtAnnotation]] = .string(String(format: "%.6f", readyAt))
            }
            _ = try? c.space.update(.pods, p)
            c.dirty = true
        }
    }

    // MARK: - Replica sets

    private func syncReplicaSet(_ c: Cluster, _ rs: JSON, _ index: OwnerIndex, now: Double) {
        guard let uid = rs["metadata"]["uid"].stringValue, let ns = rs["metadata"]["namespace"].stringValue else { return }
        let pods = (index.pods[uid] ?? []).filter { $0["metadata"]["deletionTimestamp"].isNull }
        let want = rs["spec"]["replicas"].intValue ?? 1
        if pods.count < want {
            // A burst limit per tick, and a ceiling per cluster so a typo of a replica count cannot exhaust memory.
            let room = max(0, scenario.maxPods - (c.space.objects[.pods]?.count ?? 0))
            for _ in 0..<min(want - pods.count, 500, room) { createPod(c, owner: rs, namespace: ns, now: now) }
        } else if pods.count > want {
            let ranked = pods.sorted { a, b in
                let ra = c.pods[a["metadata"]["uid"].stringValue ?? ""]?.isReady ?? false
                let rb = c.pods[b["metadata"]["uid"].stringValue ?? ""]?.isReady ?? false
                if ra != rb { return !ra }
                return (a["metadata"]["creationTimestamp"].stringValue ?? "") > (b["metadata"]["creationTimestamp"].stringValue ?? "")
            }
            for p in ranked.prefix(pods.count - want) { c.terminatePod(p, now: now) }
        }
        if pods.count != want { c.dirty = true }
    }

    private func createPod(_ c: Cluster, owner rs: JSON, namespace ns: String, now: Double) {
        let template = rs["spec"]["template"]
        let rsName = rs["metadata"]["name"].stringValue ?? "pod"
        var name = "\(rsName)-\(TemplateHash.randomSuffix())"
        while c.space.get(.pods, ns, name) != nil { name = "\(rsName)-\(TemplateHash.randomSuffix())" }
        var meta: JSON = ["name": .string(name), "namespace": .string(ns), "generateName": .string(rsName + "-"),
                          "ownerReferences": [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": .string(rsName),
                                               "uid": rs["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true]]]
        if !template["metadata"]["labels"].isNull { meta["labels"] = template["metadata"]["labels"] }
        if !template["metadata"]["annotations"].isNull { meta["annotations"] = template["metadata"]["annotations"] }
        var spec = Defaults.podSpec(template["spec"])
        spec["enableServiceLinks"] = true
        let pod: JSON = ["metadata": meta, "spec": spec,
                         "status": ["phase": "Pending", "qosClass": "BestEffort"]]
        _ = try? c.space.create(.pods, pod)
    }

    private func updateReplicaSetStatus(_ c: Cluster, _ rs: JSON, _ index: OwnerIndex) {
        guard let uid = rs["metadata"]["uid"].stringValue else { return }
        let pods = (index.pods[uid] ?? []).filter { $0["metadata"]["deletionTimestamp"].isNull }
        let ready = pods.filter { c.pods[$0["metadata"]["uid"].stringValue ?? ""]?.isReady ?? false }.count
        var status: JSON = ["replicas": .int(pods.count), "fullyLabeledReplicas": .int(pods.count),
                            "observedGeneration": rs["metadata"]["generation"]]
        if ready > 0 {
            status["readyReplicas"] = .int(ready)
            status["availableReplicas"] = .int(ready)
        }
        guard status != rs["status"] else { return }
        var next = rs
        next["status"] = status
        _ = try? c.space.update(.replicasets, next)
    }
}
