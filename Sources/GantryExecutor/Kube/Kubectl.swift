import GantryCore

/// Builds the kubectl commands Gantry runs, as argument arrays, for one context and namespace.
/// Names reach kubectl only after DNS-1123 validation in the pipeline file; `--` is not needed
/// because no argument can start with `-`.
public struct Kubectl: Sendable, Equatable {
    public var context: String
    public var namespace: String

    public init(context: String, namespace: String) {
        self.context = context
        self.namespace = namespace
    }

    private func base(_ rest: [String]) -> [String] {
        ["kubectl", "--context", context, "--namespace", namespace] + rest
    }

    public func setImage(deployment: String, container: String, image: String) -> [String] {
        base(["set", "image", "deployment/\(deployment)", "\(container)=\(image)"])
    }

    public func getJSON(_ kind: String, _ name: String) -> [String] {
        base(["get", kind, name, "-o", "json"])
    }

    /// A watch of one deployment: one JSON event per line, starting with its current state.
    public func watchDeployment(_ name: String) -> [String] {
        base(["get", "deployment", name, "--watch", "--output-watch-events", "-o", "json"])
    }

    public func rolloutUndo(deployment: String, toRevision: Int? = nil) -> [String] {
        base(["rollout", "undo", "deployment/\(deployment)"] + (toRevision.map { ["--to-revision=\($0)"] } ?? []))
    }

    public func replicaSets(selector: String) -> [String] {
        base(["get", "replicasets", "-l", selector, "-o", "json"])
    }

    public func scale(deployment: String, replicas: Int) -> [String] {
        base(["scale", "deployment/\(deployment)", "--replicas=\(replicas)"])
    }

    public func patchService(_ name: String, selector: [String: String]) -> [String] {
        let pairs = selector.sorted { $0.key < $1.key }.map { "\(EventJSON.string($0.key)):\(EventJSON.string($0.value))" }
        return base(["patch", "service", name, "-p", "{\"spec\":{\"selector\":{\(pairs.joined(separator: ","))}}}"])
    }

    public func apply(file: String) -> [String] {
        base(["apply", "-f", file])
    }

    public func pods(selector: String) -> [String] {
        base(["get", "pods", "-l", selector, "-o", "json"])
    }
}
