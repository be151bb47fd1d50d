import Foundation
import GantryCore
import GantryPipeline

/// Reads what runs in an environment, by its strategy, with kubectl: the live container's image
/// and version, the Deployment's revision, pods ready of desired, and the colour (blue-green) or
/// the canary beside stable (canary). Reads only; nothing is logged.
struct LiveReader: Sendable {
    let runner: any ProcessRunner
    let environment: EnvironmentSpec
    let image: ImageReference
    var timeout: Double = 20

    var kubectl: Kubectl { Kubectl(context: environment.kube.context, namespace: environment.kube.namespace) }

    func read() async throws -> LiveState { try await reading().live }

    /// Pods ready among those that serve: the live colour's (blue-green), stable's and the
    /// canary's together (canary), the Deployment's (rolling).
    func readyServing() async throws -> Int {
        let (live, canaryReady) = try await reading()
        return live.ready + canaryReady
    }

    private func reading() async throws -> (live: LiveState, canaryReady: Int) {
        let env = environment
        switch env.strategy {
        case .rolling:
            return (state(of: try await deployment(env.deployment), detail: ""), 0)
        case .blueGreen(let options):
            let colour = try BlueGreenStrategy.serviceColour(try await json(kubectl.getJSON("service", options.service)),
                                                                  service: options.service, label: options.colourLabel).colour
            return (state(of: try await deployment("\(env.deployment)-\(colour)"), detail: "colour \(colour)"), 0)
        case .canary(let options):
            let stable = try await deployment(env.deployment)
            let canary = try await optionalDeployment("\(env.deployment)-canary")
            guard let canary, canary.desired > 0 else { return (state(of: stable, detail: ""), 0) }
            let canaryImage = canary.containerImages[env.container] ?? canary.images.first ?? ""
            let total = options.replicas ?? (stable.desired + canary.desired)
            return (state(of: stable, detail: "canary \(canary.desired) of \(total) on \(version(of: canaryImage) ?? canaryImage)"),
                    canary.ready)
        }
    }

    /// The tag of `image` when it is the pipeline's image, else nil.
    func version(of image: String) -> String? {
        let prefix = self.image.description + ":"
        guard image.hasPrefix(prefix) else { return nil }
        return String(image.dropFirst(prefix.count))
    }

    /// What runs, from a Deployment already read (rolling: the rollout watch's last event).
    func live(of status: DeploymentStatus) -> LiveState { state(of: status, detail: "") }

    private func state(of status: DeploymentStatus, detail: String) -> LiveState {
        let image = status.containerImages[environment.container] ?? status.images.first ?? ""
        return LiveState(version: version(of: image) ?? "", image: image, revision: Int(status.revision) ?? 0,
                         ready: status.ready, desired: status.desired, detail: detail)
    }

    private func deployment(_ name: String) async throws -> DeploymentStatus {
        guard let status = DeploymentStatus(json: try await json(kubectl.getJSON("deployment", name))) else {
            throw ExecutorError.refused("deployment/\(name) could not be read")
        }
        return status
    }

    private func optionalDeployment(_ name: String) async throws -> DeploymentStatus? {
        let text = try await json(kubectl.getJSON("deployment", name) + ["--ignore-not-found"])
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : DeploymentStatus(json: text)
    }

    private func json(_ argv: [String]) async throws -> String {
        let errors = LineBox(keep: 3)
        let (result, lines) = try await runner.collect(ProcessCommand(argv, timeout: timeout)) { line in errors.append(line) }
        if result.timedOut { throw ExecutorError.timedOut(command: ShellQuote.join(argv), seconds: timeout) }
        guard result.succeeded else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result.status,
                                              lastLine: SafeText.sanitize(errors.lines.last ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
