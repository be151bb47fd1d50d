import Foundation
import GantryCore
import GantryPipeline

/// A `D-canary` Deployment beside the stable `D`, both behind the same Service. Each step scales
/// the canary to its share of the replicas (stable gives up as many), then analyses the metrics
/// for the pause. Promotion updates stable and scales the canary to 0. Rollback scales the
/// canary to 0 and stable back: traffic is on stable at once, nothing is re-run.
struct CanaryStrategy: Strategy {
    let options: CanaryOptions

    func deploy(_ context: StrategyContext) async throws -> LiveState? {
        let env = context.environment
        let canary = "\(env.deployment)-canary"
        let stableJSON = try await context.kubeJSON(context.kubectl.getJSON("deployment", env.deployment))
        guard let stable = DeploymentStatus(json: stableJSON) else {
            throw ExecutorError.refused("deployment/\(env.deployment) could not be read")
        }
        // The stable's size before the deploy changed it is recorded on the canary before any
        // change (annotation `gantry.dev/stable-replicas`): a resume after the executor died
        // mid-canary, or a rollback, restores that size, never the half-scaled stable's.
        let existing = try await context.kubeJSON(context.kubectl.getJSON("deployment", canary) + ["--ignore-not-found"])
        // Only a canary of this very version is this deploy's own (a resume); an older one's record
        // belongs to a deploy that ended.
        let ours = CanaryManifest.image(existing, container: env.container) == context.image.tagged(context.version)
        let recorded = ours ? CanaryManifest.recordedTotal(existing) : nil
        let total = options.replicas ?? recorded ?? max(stable.desired, 1)
        if recorded == nil {
            let manifest = try CanaryManifest.make(fromStable: stableJSON, name: canary, container: env.container,
                                                   image: context.image.tagged(context.version), total: total)
            try await context.kube(context.kubectl.apply(file: manifest))
            try? FileManager.default.removeItem(atPath: manifest)
        }
        let stepCount = options.steps.count
        for (index, percent) in options.steps.enumerated() where percent < 100 {
            let replicas = CanaryOptions.canaryReplicas(percent: percent, of: total)
            try await context.kube(context.kubectl.scale(deployment: canary, replicas: replicas))
            try await context.kube(context.kubectl.scale(deployment: env.deployment, replicas: max(total - replicas, 0)))
            _ = try await context.watch(canary, label: "canary pods ready (\(percent)%)")
            if let preview = env.preview {
                // The preview Service selects the canary's pods alone: its analysis is its own.
                var selector = stable.selector
                selector["track"] = "canary"
                try await context.kube(context.kubectl.patchService(preview.service, selector: selector))
            }
            context.recorder.note(.stageProgressed(stage: context.stage, done: index + 1, total: stepCount,
                                                   label: "canary \(percent)%"))
            try await context.analyse(Double(options.pauseSeconds))
        }
        // Promote: stable takes the new version at full size; the canary goes away.
        try await context.kube(context.kubectl.setImage(deployment: env.deployment, container: env.container,
                                                        image: context.image.tagged(context.version)))
        try await context.kube(context.kubectl.scale(deployment: env.deployment, replicas: total))
        _ = try await context.watch(env.deployment)
        try await context.kube(context.kubectl.scale(deployment: canary, replicas: 0))
        context.recorder.note(.stageProgressed(stage: context.stage, done: stepCount, total: stepCount, label: "promoted"))
        return nil
    }

    func rollback(_ context: StrategyContext, target: String?) async throws -> String {
        let env = context.environment
        let canary = "\(env.deployment)-canary"
        let canaryJSON = (try? await context.kubeJSON(context.kubectl.getJSON("deployment", canary) + ["--ignore-not-found"])) ?? ""
        let canaryStatus = DeploymentStatus(json: canaryJSON)
        let argv = context.kubectl.scale(deployment: canary, replicas: 0)
        if canaryStatus != nil { try await context.kube(argv) }
        let stable = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", env.deployment)))
        if stable?.images.contains(context.image.tagged(context.version)) == true {
            // Promotion had begun: stable itself goes back, to the known-good revision (never
            // merely the previous one, which may be another bad version).
            if let target {
                try await context.kube(try await RollingStrategy.rollbackCommand(context, deployment: env.deployment,
                                                                                 image: context.image.tagged(target)))
            } else {
                try await context.kube(context.kubectl.rolloutUndo(deployment: env.deployment))
            }
        }
        let total = options.replicas ?? CanaryManifest.recordedTotal(canaryJSON)
            ?? max((stable?.desired ?? 0) + (canaryStatus?.desired ?? 0), 1)
        if stable?.desired != total {
            try await context.kube(context.kubectl.scale(deployment: env.deployment, replicas: total))
        }
        _ = try await context.watch(env.deployment)
        return ShellQuote.join(argv)
    }

    func rollbackMethod(_ environment: EnvironmentSpec) -> String {
        "kubectl scale deployment/\(environment.deployment)-canary --replicas=0"
    }
}

/// Builds the canary Deployment from the stable one: same template, `track: canary` added to its
/// selector and labels, the new image, no replicas yet.
enum CanaryManifest {
    /// The annotation holding the stable's replica count before the canary began.
    static let totalAnnotation = "gantry.dev/stable-replicas"

    /// The stable's size recorded on an existing canary (`kubectl get -o json` output), if any.
    static func recordedTotal(_ json: String) -> Int? {
        guard let data = json.data(using: .utf8), !json.isEmpty,
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let annotations = (object["metadata"] as? [String: Any])?["annotations"] as? [String: Any],
              let text = annotations[totalAnnotation] as? String, let total = Int(text), total > 0 else { return nil }
        return total
    }

    /// The image of `container` in an existing canary's template, if any.
    static func image(_ json: String, container: String) -> String? {
        DeploymentStatus(json: json)?.containerImages[container]
    }

    static func make(fromStable json: String, name: String, container: String, image: String, total: Int) throws -> String {
        guard let data = json.data(using: .utf8),
              let stable = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              var spec = stable["spec"] as? [String: Any],
              var template = spec["template"] as? [String: Any] else {
            throw ExecutorError.refused("the stable deployment has no pod template to copy")
        }
        let metadata = stable["metadata"] as? [String: Any] ?? [:]
        var selector = spec["selector"] as? [String: Any] ?? [:]
        var matchLabels = selector["matchLabels"] as? [String: Any] ?? [:]
        matchLabels["track"] = "canary"
        selector["matchLabels"] = matchLabels
        var templateMetadata = template["metadata"] as? [String: Any] ?? [:]
        var labels = templateMetadata["labels"] as? [String: Any] ?? [:]
        labels["track"] = "canary"
        templateMetadata["labels"] = labels
        template["metadata"] = templateMetadata
        var podSpec = template["spec"] as? [String: Any] ?? [:]
        podSpec["containers"] = (podSpec["containers"] as? [[String: Any]] ?? []).map { entry in
            var entry = entry
            if entry["name"] as? String == container { entry["image"] = image }
            return entry
        }
        template["spec"] = podSpec
        spec["template"] = template
        spec["selector"] = selector
        spec["replicas"] = 0
        spec.removeValue(forKey: "paused")
        let object: [String: Any] = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": name, "namespace": metadata["namespace"] ?? "default",
                         "labels": (metadata["labels"] as? [String: Any] ?? [:]).merging(["track": "canary"]) { _, new in new },
                         "annotations": [totalAnnotation: String(total)]],
            "spec": spec,
        ]
        let path = NSTemporaryDirectory() + "gantry-\(name)-\(UUID().uuidString).json"
        let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        guard FileManager.default.createFile(atPath: path, contents: bytes) else {
            throw ExecutorError.refused("cannot write \(path)")
        }
        return path
    }
}
