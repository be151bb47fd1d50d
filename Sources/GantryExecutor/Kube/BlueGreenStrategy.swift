import Foundation
import GantryCore
import GantryPipeline

/// Two Deployments, `D-blue` and `D-green`; the Service selector picks the live colour.
/// Deploy updates the idle colour, waits for it, then switches the selector; the old colour
/// stays warm, so rollback is one selector switch.
struct BlueGreenStrategy: Strategy {
    let options: BlueGreenOptions

    func deploy(_ context: StrategyContext) async throws -> LiveState? {
        let env = context.environment
        let (selector, live) = try await liveColour(context)
        let idle = live == "blue" ? "green" : "blue"
        let idleName = "\(env.deployment)-\(idle)", liveName = "\(env.deployment)-\(live)"
        let liveStatus = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", liveName)))
        let idleStatus = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", idleName)))
        try await context.kube(context.kubectl.setImage(deployment: idleName, container: env.container,
                                                        image: context.image.tagged(context.version)))
        let replicas = max(liveStatus?.desired ?? 1, 1)
        if (idleStatus?.desired ?? 0) < replicas {
            try await context.kube(context.kubectl.scale(deployment: idleName, replicas: replicas))
        }
        _ = try await context.watch(idleName, label: "\(idle) pods ready")
        if let preview = env.preview {
            // The new colour is checked through its own Service before the live one points at it:
            // a bad version never takes traffic.
            var previewSelector = selector
            previewSelector[options.colourLabel] = idle
            try await context.kube(context.kubectl.patchService(preview.service, selector: previewSelector))
            context.recorder.log(context.stage, .system, "service/\(preview.service) selects \(idle): checking \(context.version) "
                + "before service/\(options.service) switches to it")
            try await context.checkPreview()
        }
        var switched = selector
        switched[options.colourLabel] = idle
        try await context.kube(context.kubectl.patchService(options.service, selector: switched))
        context.recorder.log(context.stage, .system, "service/\(options.service) now selects \(idle); \(live) kept warm for rollback")
        context.recorder.note(.stageProgressed(stage: context.stage, done: 1, total: 1, label: "live colour \(idle)"))
        return nil
    }

    func rollback(_ context: StrategyContext, target: String?) async throws -> String {
        let env = context.environment
        let (selector, live) = try await liveColour(context)
        let other = live == "blue" ? "green" : "blue"
        let otherName = "\(env.deployment)-\(other)"
        let liveStatus = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", "\(env.deployment)-\(live)")))
        let newImage = context.image.tagged(context.version)
        guard liveStatus?.images.contains(newImage) == true else {
            return "service/\(options.service) still selects \(live) (\(newImage) never went live)"
        }
        if let target {
            // The warm colour normally runs the known-good version; when it does not (it ran a
            // version that was not verified), it is set to the known-good image first.
            let targetImage = context.image.tagged(target)
            let otherStatus = DeploymentStatus(json: try await context.kubeJSON(context.kubectl.getJSON("deployment", otherName)))
            if otherStatus?.containerImages[env.container] != targetImage {
                context.recorder.log(context.stage, .system, "\(other) does not run \(target): setting it first")
                try await context.kube(context.kubectl.setImage(deployment: otherName, container: env.container, image: targetImage))
            }
            let replicas = max(liveStatus?.desired ?? 1, 1)
            if (otherStatus?.desired ?? 0) < replicas {
                try await context.kube(context.kubectl.scale(deployment: otherName, replicas: replicas))
            }
            _ = try await context.watch(otherName, label: "\(other) pods ready", expecting: targetImage)
        }
        var back = selector
        back[options.colourLabel] = other
        let argv = context.kubectl.patchService(options.service, selector: back)
        try await context.kube(argv)
        return "kubectl patch service \(options.service) selector \(options.colourLabel)=\(other)"
    }

    func rollbackMethod(_ environment: EnvironmentSpec) -> String {
        "switch service/\(options.service) back to the warm colour"
    }

    private func liveColour(_ context: StrategyContext) async throws -> ([String: String], String) {
        try Self.serviceColour(try await context.kubeJSON(context.kubectl.getJSON("service", options.service)),
                               service: options.service, label: options.colourLabel)
    }

    /// The Service's selector and the colour it selects (blue when it names none).
    static func serviceColour(_ json: String, service: String, label: String) throws -> (selector: [String: String], colour: String) {
        guard let data = json.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let selector = (object["spec"] as? [String: Any])?["selector"] as? [String: String] else {
            throw ExecutorError.refused("service/\(service) has no selector to switch")
        }
        return (selector, selector[label] ?? "blue")
    }
}
