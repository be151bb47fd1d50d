import Foundation
import Yams

extension PipelineBuilder {
    static let environmentKeys = ["kube", "deployment", "container", "strategy", "blue-green", "canary",
                                  "health", "approvals", "requires", "verify", "preview"]

    /// Reads `environments:`, a non-empty mapping of name to environment.
    func environmentList(_ value: Value, app: String?) -> [EnvironmentSpec]? {
        guard let reader = mapping(value, context: "in 'environments'",
                                   what: "a mapping of environment names to environments") else { return nil }
        if reader.entries.isEmpty {
            sink.error("'environments' must define at least one environment", at: value.position, path: value.path)
            return nil
        }
        var result: [EnvironmentSpec] = []
        var failed = false
        for entry in reader.entries {
            references.environments.append(Reference(name: entry.key, position: entry.keyNode.position,
                                                     path: entry.value.path))
            let nameValue = Value(node: entry.keyNode, path: entry.value.path, label: entry.key)
            let name = self.name(nameValue, what: "environment name", rule: .label)
            if let spec = environment(entry.value, name: entry.key, owner: entry.keyNode.position, app: app),
               name != nil {
                result.append(spec)
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    private func environment(_ value: Value, name: String, owner: Position, app: String?) -> EnvironmentSpec? {
        let context = "in environment '\(Quote.clip(name))'"
        guard let reader = mapping(value, context: context, owner: owner,
                                   what: "a mapping with at least 'kube'") else { return nil }
        checkKeys(reader, allowed: Self.environmentKeys)
        let kube = require(reader, "kube").flatMap { kubeTarget($0, environment: name) }
        let deployment = reader["deployment"].map { self.name($0, what: "deployment name", rule: .subdomain) } ?? app
        let container = reader["container"].map { self.name($0, what: "container name", rule: .label) } ?? app
        let strategy = self.strategy(reader, environment: name, deployment: deployment)
        let health = reader["health"].map { healthCheck($0, environment: name) }
        let approvals = reader["approvals"].map { approvalPolicy($0, environment: name) } ?? .notRequired
        let requires = reader["requires"].map { requiredEnvironments($0, environment: name) } ?? []
        let verify = reader["verify"].map { verifyWindow($0, environment: name) } ?? .standard
        let preview = reader["preview"].map { previewEndpoint($0, environment: name, strategy: strategy) }
        guard let kube, let deployment, let container, let strategy, let approvals, let requires, let verify,
              health.map({ $0 != nil }) ?? true, preview.map({ $0 != nil }) ?? true else { return nil }
        var spec = EnvironmentSpec(name: name, kube: kube, deployment: deployment, container: container,
                                   strategy: strategy, health: health ?? nil, approvals: approvals, requires: requires,
                                   verify: verify)
        spec.preview = preview ?? nil
        return spec
    }

    private func kubeTarget(_ value: Value, environment: String) -> KubeTarget? {
        let context = "in 'kube' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'context' and 'namespace'") else {
            return nil
        }
        checkKeys(reader, allowed: ["context", "namespace"])
        let contextName = require(reader, "context").flatMap(kubeContext)
        let namespace = require(reader, "namespace").flatMap { name($0, what: "namespace", rule: .label) }
        guard let contextName, let namespace else { return nil }
        return KubeTarget(context: contextName, namespace: namespace)
    }

    /// A kubeconfig context name: any printable text without spaces, as it is passed as one argument.
    private func kubeContext(_ value: Value) -> String? {
        guard let text = string(value) else { return nil }
        let bad = text.unicodeScalars.first { $0.value <= 0x20 || $0.value == 0x7F || $0 == "$" }
        if text.isEmpty || text.hasPrefix("-") || bad != nil {
            let reason = bad.map { "contains \(Quote.describe($0))" } ?? (text.isEmpty ? "is empty" : "starts with '-'")
            sink.error("kube context '\(Quote.clip(text))' \(reason); expected a kubeconfig context name",
                       at: value.position, path: value.path)
            return nil
        }
        return text
    }

    /// `preview: { service: NAME, url: http://… }`, for blue-green (the idle colour) and canary (the
    /// canary's pods).
    private func previewEndpoint(_ value: Value, environment: String, strategy: DeployStrategy?) -> PreviewEndpoint? {
        let context = "in 'preview' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'service' and 'url'") else { return nil }
        checkKeys(reader, allowed: ["service", "url"])
        let service = require(reader, "service").flatMap { name($0, what: "service name", rule: .subdomain) }
        let url = require(reader, "url").flatMap(httpURL)
        if let strategy, strategy.name == "rolling" {
            sink.error("'preview' needs strategy blue-green or canary \(context) (a rolling update has no version apart to reach)",
                       at: value.position, path: value.path)
            return nil
        }
        guard let service, let url else { return nil }
        return PreviewEndpoint(service: service, url: url)
    }

    /// `verify: off`, or `verify: { for: 30s, interval: 1s, health-successes: 3 }` (each optional).
    private func verifyWindow(_ value: Value, environment: String) -> VerifyWindow? {
        if case .scalar(let scalar) = value.node, !value.isNull {
            if scalar.string == "off" || scalar.string == "false" { return .off }
        }
        let context = "in 'verify' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "'off' or a mapping with 'for', 'interval' and 'health-successes'")
        else { return nil }
        checkKeys(reader, allowed: ["for", "interval", "health-successes"])
        let seconds = reader["for"].map(duration) ?? VerifyWindow.standard.seconds
        let interval = reader["interval"].map(duration) ?? VerifyWindow.standard.interval
        let successes = reader["health-successes"].map { integer($0, in: 1...20) } ?? VerifyWindow.standard.healthSuccesses
        guard let seconds, let interval, let successes else { return nil }
        if interval > seconds {
            sink.error("'interval' (\(interval)s) must not be longer than 'for' (\(seconds)s) \(context)",
                       at: reader["interval"]?.position ?? value.position, path: value.path)
            return nil
        }
        return VerifyWindow(seconds: seconds, interval: interval, healthSuccesses: successes)
    }

    private func healthCheck(_ value: Value, environment: String) -> HealthCheck? {
        let context = "in 'health' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'url' and 'expect'") else {
            return nil
        }
        checkKeys(reader, allowed: ["url", "expect"])
        let url = require(reader, "url").flatMap(httpURL)
        let expect = reader["expect"].map { integer($0, in: 100...599) } ?? 200
        guard let url, let expect else { return nil }
        return HealthCheck(url: url, expect: expect)
    }

    /// A URL template that starts with http:// or https://.
    func httpURL(_ value: Value) -> Template? {
        guard let url = template(value) else { return nil }
        let lowered = url.raw.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
              !url.raw.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            sink.error("'\(value.label)' must be an http:// or https:// URL without spaces, got \(value.got)",
                       at: value.position, path: value.path)
            return nil
        }
        return url
    }

    private func approvalPolicy(_ value: Value, environment: String) -> ApprovalPolicy? {
        let context = "in 'approvals' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'required', 'from' and 'allow-self'") else {
            return nil
        }
        checkKeys(reader, allowed: ["required", "from", "allow-self"])
        let required = require(reader, "required").flatMap { integer($0, in: 0...100) }
        let from = reader["from"].map(approvers) ?? []
        let allowSelf = reader["allow-self"].map(boolean) ?? false
        guard let required, let from, let allowSelf else { return nil }
        if !from.isEmpty, required > from.count, let position = reader["required"]?.position {
            sink.error("'required' is \(required) but 'from' names only \(from.count) approver(s)",
                       at: position, path: reader.value.path + ".required")
            return nil
        }
        if required > 0 {
            references.approvals.append((environment, required, reader.owner))
        }
        return ApprovalPolicy(required: required, from: from, allowSelf: allowSelf)
    }

    private func approvers(_ value: Value) -> [String]? {
        guard let items = list(value, what: "a list of approver names") else { return nil }
        var names: [String] = []
        var failed = false
        for item in items {
            guard let name = string(item) else { failed = true; continue }
            let allowed: (Unicode.Scalar) -> Bool = { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || [".", "_", "-", "@"].contains(scalar)
            }
            if name.isEmpty || !name.unicodeScalars.allSatisfy(allowed) {
                sink.error("approver '\(Quote.clip(name))' must be a user name of letters, digits, '.', '_', '-' and '@'",
                           at: item.position, path: item.path)
                failed = true
            } else if names.contains(name) {
                sink.error("approver '\(Quote.clip(name))' is listed twice", at: item.position, path: item.path)
                failed = true
            }
            names.append(name)
        }
        return failed ? nil : names
    }

    private func requiredEnvironments(_ value: Value, environment: String) -> [String]? {
        guard let items = list(value, what: "a list of environment names") else { return nil }
        var names: [String] = []
        var failed = false
        for item in items {
            guard let name = string(item) else { failed = true; continue }
            references.requires.append((environment, Reference(name: name, position: item.position, path: item.path)))
            names.append(name)
        }
        return failed ? nil : names
    }
}
