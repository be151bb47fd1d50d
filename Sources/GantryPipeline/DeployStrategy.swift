import Foundation

/// How a new version reaches an environment.
public enum DeployStrategy: Sendable, Equatable {
    /// `kubectl set image` and `kubectl rollout status`; rollback is `kubectl rollout undo`.
    case rolling
    /// Update the idle colour, check it, switch the Service selector; rollback switches it back.
    case blueGreen(BlueGreenOptions)
    /// A `D-canary` Deployment beside stable, scaled through `steps`; rollback scales it to 0.
    case canary(CanaryOptions)

    /// The name used in the file: `rolling`, `blue-green` or `canary`.
    public var name: String {
        switch self {
        case .rolling: return "rolling"
        case .blueGreen: return "blue-green"
        case .canary: return "canary"
        }
    }
}

/// Parameters of a blue-green deploy.
public struct BlueGreenOptions: Sendable, Equatable {
    /// The Service whose selector is switched between colours (defaults to the deployment name).
    public var service: String
    /// The label key that carries the colour in the selector and pod template (default `colour`).
    public var colourLabel: String

    /// The default label key.
    public static let defaultColourLabel = "colour"

    /// Creates options.
    public init(service: String, colourLabel: String = BlueGreenOptions.defaultColourLabel) {
        self.service = service
        self.colourLabel = colourLabel
    }
}

/// Parameters of a canary deploy.
public struct CanaryOptions: Sendable, Equatable {
    /// Traffic shares in percent, strictly increasing, each in 1...100, the last one 100.
    public var steps: [Int]
    /// Seconds to wait (and analyse metrics) after each step before the next (default 60).
    public var pauseSeconds: Int
    /// The total replica count to split between canary and stable; nil means "the stable
    /// Deployment's current replica count", read at deploy time.
    public var replicas: Int?

    /// The default pause between steps, in seconds.
    public static let defaultPauseSeconds = 60

    /// Creates options.
    public init(steps: [Int], pauseSeconds: Int = CanaryOptions.defaultPauseSeconds, replicas: Int? = nil) {
        self.steps = steps
        self.pauseSeconds = pauseSeconds
        self.replicas = replicas
    }

    /// The canary replica count for a step: `percent` of `total`, rounded up, at least 1.
    public static func canaryReplicas(percent: Int, of total: Int) -> Int {
        guard total > 0 else { return 0 }
        let clamped = min(max(percent, 0), 100)
        return max(1, (total * clamped + 99) / 100)
    }
}
