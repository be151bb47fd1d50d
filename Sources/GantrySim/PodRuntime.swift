/// What the controller remembers about one pod: its behaviour and where it is in its life.
struct PodRuntime: Sendable {
    enum Stage: Sendable, Equatable {
        case unscheduled, creating, running, ready, crashed
    }

    var profile: VersionProfile
    var version: String
    var stage: Stage = .unscheduled
    /// When the pod should next change stage.
    var nextChange: Double
    var restarts = 0
    var startedAt: Double?
    var lastCrashAt: Double?
    /// When the pod turned ready (Unix seconds, sub-second), for latency measurements.
    var readyAt: Double?
    var logLines: [String] = []
    let createdAt: Double
    let namespace: String
    let name: String

    init(profile: VersionProfile, version: String, namespace: String, name: String, now: Double, scenario: Scenario) {
        self.profile = profile
        self.version = version
        self.namespace = namespace
        self.name = name
        self.createdAt = now
        self.nextChange = now + scenario.scheduleSeconds
    }

    /// Moves the pod along; returns true when its stage or counters changed.
    mutating func advance(now: Double, scenario: Scenario, podName: String) -> Bool {
        guard now >= nextChange else { return false }
        switch stage {
        case .unscheduled:
            stage = .creating
            nextChange = now + scenario.startSeconds
        case .creating, .crashed:
            stage = .running
            startedAt = now
            logLines.append("\(Clock.timestamp(now)) starting \(podName) version \(version)")
            if profile.crashLoop {
                nextChange = now + min(0.5, scenario.readySeconds)
            } else if profile.neverReady {
                nextChange = .infinity
            } else {
                nextChange = now + (profile.readySeconds ?? scenario.readySeconds)
            }
        case .running:
            if profile.crashLoop {
                stage = .crashed
                restarts += 1
                lastCrashAt = now
                logLines.append(profile.crashLog)
                let backoff = scenario.crashBackoffSeconds * Double(1 << min(restarts - 1, 4))
                nextChange = now + min(backoff, 30)
            } else {
                stage = .ready
                readyAt = now
                logLines.append("\(Clock.timestamp(now)) ready")
                nextChange = .infinity
            }
        case .ready:
            nextChange = .infinity
            return false
        }
        if logLines.count > 200 { logLines.removeFirst(logLines.count - 200) }
        return true
    }

    var isReady: Bool { stage == .ready }

    /// The pod's `status` for its current stage.
    func status(pod: JSON, podIP: String) -> JSON {
        let created = Clock.timestamp(createdAt)
        let containers = pod["spec"]["containers"].arrayValue ?? []
        let scheduled = stage != .unscheduled
        let running = stage == .running || stage == .ready
        func cond(_ type: String, _ ok: Bool) -> JSON {
            ["type": .string(type), "status": ok ? "True" : "False", "lastProbeTime": .null,
             "lastTransitionTime": .string(created)]
        }
        var s: JSON = ["phase": running || stage == .crashed ? "Running" : "Pending", "qosClass": "BestEffort"]
        if !scheduled {
            s["conditions"] = [cond("PodScheduled", false)]
            return s
        }
        s["conditions"] = [cond("PodReadyToStartContainers", true), cond("Initialized", true), cond("Ready", isReady),
                           cond("ContainersReady", isReady), cond("PodScheduled", true)]
        s["hostIP"] = "192.168.49.2"
        s["hostIPs"] = [["ip": "192.168.49.2"]]
        s["startTime"] = .string(created)
        if stage != .creating {
            s["podIP"] = .string(podIP)
            s["podIPs"] = [["ip": .string(podIP)]]
        }
        s["containerStatuses"] = .array(containers.map { c in
            var cs: JSON = ["name": c["name"], "image": c["image"],
                            "imageID": .string("sim://\(c["image"].stringValue ?? "")"),
                            "ready": .bool(isReady), "started": .bool(running), "restartCount": .int(restarts)]
            switch stage {
            case .creating, .unscheduled:
                cs["state"] = ["waiting": ["reason": "ContainerCreating"]]
            case .running, .ready:
                cs["state"] = ["running": ["startedAt": .string(Clock.timestamp(startedAt ?? createdAt))]]
                cs["containerID"] = .string("sim://\(pod["metadata"]["uid"].stringValue ?? "")")
            case .crashed:
                cs["state"] = ["waiting": [
                    "reason": "CrashLoopBackOff",
                    "message": .string("back-off restarting failed container \(c["name"].stringValue ?? "") in pod \(pod["metadata"]["name"].stringValue ?? "")"),
                ]]
            }
            if let crash = lastCrashAt {
                cs["lastState"] = ["terminated": ["exitCode": 1, "reason": "Error", "message": .string(profile.crashLog),
                                                  "startedAt": .string(Clock.timestamp(startedAt ?? createdAt)),
                                                  "finishedAt": .string(Clock.timestamp(crash))]]
            } else {
                cs["lastState"] = [:]
            }
            return cs
        })
        return s
    }
}
