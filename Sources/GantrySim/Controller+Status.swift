/// Deployment status: counts, observedGeneration and the Available / Progressing conditions.
extension Controller {
    func updateDeploymentStatus(_ c: Cluster, _ d: JSON, _ index: OwnerIndex, now: Double) {
        guard let uid = d["metadata"]["uid"].stringValue else { return }
        let owned = index.replicaSets[uid] ?? []
        let hash = TemplateHash.hash(d["spec"]["template"])
        let newRS = owned.first { $0["metadata"]["labels"]["pod-template-hash"].stringValue == hash }
        let replicas = d["spec"]["replicas"].intValue ?? 1
        func sum(_ key: String) -> Int { owned.reduce(0) { $0 + ($1["status"][key].intValue ?? 0) } }
        let total = sum("replicas")
        let updated = newRS?["status"]["replicas"].intValue ?? 0
        let ready = sum("readyReplicas")
        let available = sum("availableReplicas")
        let specTotal = owned.reduce(0) { $0 + ($1["spec"]["replicas"].intValue ?? 0) }
        let (_, maxUnavailable) = Self.surgeAndUnavailable(d)
        let old = d["status"]

        var status: JSON = ["observedGeneration": d["metadata"]["generation"], "replicas": .int(total),
                            "updatedReplicas": .int(updated)]
        if ready > 0 { status["readyReplicas"] = .int(ready) }
        if available > 0 { status["availableReplicas"] = .int(available) }
        let unavailableCount = max(0, max(specTotal, replicas) - available)
        if unavailableCount > 0 { status["unavailableReplicas"] = .int(unavailableCount) }

        let stamp = JSON.string(Clock.timestamp(now))
        let oldConditions = old["conditions"].arrayValue ?? []
        func previous(_ type: String) -> JSON? { oldConditions.first { $0["type"].stringValue == type } }
        func condition(_ type: String, _ st: String, _ reason: String, _ message: String, touch: Bool) -> JSON {
            let prev = previous(type)
            let same = prev?["status"].stringValue == st
            let sameReason = same && prev?["reason"].stringValue == reason
            return ["type": .string(type), "status": .string(st), "reason": .string(reason), "message": .string(message),
                    "lastUpdateTime": (sameReason && !touch) ? (prev?["lastUpdateTime"] ?? stamp) : stamp,
                    "lastTransitionTime": same ? (prev?["lastTransitionTime"] ?? stamp) : stamp]
        }

        let availableOK = available >= replicas - maxUnavailable
        let availableCond = availableOK
            ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", touch: false)
            : condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", touch: false)

        let rsName = newRS?["metadata"]["name"].stringValue ?? ""
        let complete = newRS != nil && updated == replicas && total == replicas && available >= replicas
            && (newRS?["status"]["availableReplicas"].intValue ?? 0) >= replicas
        let progressed = old["replicas"].intValue != total || old["updatedReplicas"].intValue != updated
            || old["readyReplicas"].intValue != status["readyReplicas"].intValue
            || old["availableReplicas"].intValue != status["availableReplicas"].intValue
            || old["observedGeneration"] != status["observedGeneration"]
        let progressing: JSON
        let prevProgress = previous("Progressing")
        if d["spec"]["paused"].boolValue == true {
            progressing = condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", touch: false)
        } else if complete {
            progressing = condition("Progressing", "True", "NewReplicaSetAvailable",
                                    "ReplicaSet \"\(rsName)\" has successfully progressed.", touch: false)
        } else if progressed || prevProgress == nil || prevProgress?["reason"].stringValue == "DeploymentPaused"
                    || prevProgress?["reason"].stringValue == "NewReplicaSetAvailable" {
            progressing = condition("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(rsName)\" is progressing.",
                                    touch: true)
        } else if prevProgress?["reason"].stringValue == "ProgressDeadlineExceeded" {
            progressing = prevProgress ?? .null
        } else {
            let deadline = Double(d["spec"]["progressDeadlineSeconds"].intValue ?? 600)
            let since = Clock.parse(prevProgress?["lastUpdateTime"].stringValue ?? "") ?? now
            if now - since > deadline {
                progressing = condition("Progressing", "False", "ProgressDeadlineExceeded",
                                        "ReplicaSet \"\(rsName)\" has timed out progressing.", touch: true)
            } else {
                progressing = prevProgress ?? .null
            }
        }
        status["conditions"] = [availableCond, progressing]
        if !complete, progressing["reason"].stringValue != "ProgressDeadlineExceeded" {
            // Look again for the progress deadline even when nothing else happens.
            c.nextWake = min(c.nextWake, now + 0.5)
        }
        guard status != old else { return }
        var next = d
        next["status"] = status
        _ = try? c.space.update(.deployments, next)
        c.dirty = true
    }
}
