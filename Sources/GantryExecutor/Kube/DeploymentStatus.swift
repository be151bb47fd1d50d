import Foundation

/// What Gantry needs from a Deployment object (as kubectl prints it in JSON).
public struct DeploymentStatus: Sendable, Equatable {
    public var generation: Int = 0
    public var observedGeneration: Int = 0
    public var desired: Int = 0
    public var replicas: Int = 0
    public var updated: Int = 0
    public var ready: Int = 0
    public var available: Int = 0
    public var images: [String] = []
    /// Container name → image, from the pod template.
    public var containerImages: [String: String] = [:]
    public var deadlineExceeded = false
    public var paused = false
    public var revision: String = ""
    public var selector: [String: String] = [:]

    public init() {}

    /// Parses a Deployment object, or a watch event `{"type":..,"object":{..}}`.
    public init?(json line: String) {
        guard let data = line.data(using: .utf8),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        if let inner = object["object"] as? [String: Any] { object = inner }
        guard (object["kind"] as? String) == nil || (object["kind"] as? String) == "Deployment" else { return nil }
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let spec = object["spec"] as? [String: Any] ?? [:]
        let status = object["status"] as? [String: Any] ?? [:]
        func int(_ dictionary: [String: Any], _ key: String) -> Int { (dictionary[key] as? NSNumber)?.intValue ?? 0 }
        generation = int(metadata, "generation")
        observedGeneration = int(status, "observedGeneration")
        desired = (spec["replicas"] as? NSNumber)?.intValue ?? 1
        replicas = int(status, "replicas")
        updated = int(status, "updatedReplicas")
        ready = int(status, "readyReplicas")
        available = int(status, "availableReplicas")
        paused = spec["paused"] as? Bool ?? false
        revision = (metadata["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String ?? ""
        selector = ((spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
        let template = (spec["template"] as? [String: Any])?["spec"] as? [String: Any]
        let containers = (template?["containers"] as? [[String: Any]]) ?? []
        images = containers.compactMap { $0["image"] as? String }
        for container in containers {
            if let name = container["name"] as? String, let image = container["image"] as? String { containerImages[name] = image }
        }
        let conditions = status["conditions"] as? [[String: Any]] ?? []
        // Like `kubectl rollout status`: a condition describes the spec only once it is observed
        // (a new rollout right after a stuck one still carries the old condition for a moment).
        deadlineExceeded = observedGeneration >= generation && conditions.contains {
            ($0["type"] as? String) == "Progressing" && ($0["reason"] as? String) == "ProgressDeadlineExceeded"
        }
    }

    /// New-template pods that are available: what "3/5 pods ready" counts. The status counts
    /// available pods of every template together, so the old template's pods (assumed available
    /// while they run) are taken off; before the new spec is observed, none are new.
    public var newReady: Int {
        guard observedGeneration >= generation else { return 0 }
        return max(0, min(updated, available - (replicas - updated)))
    }

    /// Whether the rollout is complete, by the same rules as `kubectl rollout status`.
    public var isComplete: Bool {
        observedGeneration >= generation && updated >= desired && replicas <= updated && available >= updated
    }

    /// What the rollout waits for, in kubectl's words.
    public var waitingFor: String {
        if observedGeneration < generation { return "waiting for the spec update to be observed" }
        if updated < desired { return "\(updated) of \(desired) new replicas updated" }
        if replicas > updated { return "\(replicas - updated) old replicas pending termination" }
        if available < updated { return "\(available) of \(updated) updated replicas available" }
        return "rolled out"
    }
}
