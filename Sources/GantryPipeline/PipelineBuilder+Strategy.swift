import Foundation
import GantryCore

extension PipelineBuilder {
    /// The strategy names as written in the file.
    enum StrategyName: String, CaseIterable {
        case rolling
        case blueGreen = "blue-green"
        case canary
    }

    /// Reads `strategy:` (default rolling) with its `blue-green:` or `canary:` options.
    func strategy(_ reader: MappingReader, environment: String, deployment: String?) -> DeployStrategy? {
        var chosen = StrategyName.rolling
        if let value = reader["strategy"] {
            guard let name = choice(value, StrategyName.self) else { return nil }
            chosen = name
        }
        var failed = false
        for (key, owner) in [("blue-green", StrategyName.blueGreen), ("canary", .canary)] where owner != chosen {
            if let entry = reader.entries.first(where: { $0.key == key }) {
                sink.error("'\(key)' options are given but the strategy of environment '\(Quote.clip(environment))' "
                    + "is '\(chosen.rawValue)'", at: entry.keyNode.position, path: entry.value.path)
                failed = true
            }
        }
        switch chosen {
        case .rolling:
            return failed ? nil : .rolling
        case .blueGreen:
            let options = reader["blue-green"].map { blueGreen($0, environment: environment, deployment: deployment) }
                ?? defaultService(deployment, environment: environment, at: reader.owner, path: reader.value.path)
                    .map { BlueGreenOptions(service: $0) }
            return failed ? nil : options.map(DeployStrategy.blueGreen)
        case .canary:
            guard let value = reader["canary"] else {
                sink.error("missing required key 'canary' in environment '\(Quote.clip(environment))' "
                    + "(strategy 'canary' needs 'steps')", at: reader.owner, path: reader.value.path)
                return nil
            }
            let options = canary(value, environment: environment)
            return failed ? nil : options.map(DeployStrategy.canary)
        }
    }

    private func blueGreen(_ value: Value, environment: String, deployment: String?) -> BlueGreenOptions? {
        let context = "in 'blue-green' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'service' and 'colour-label'") else {
            return nil
        }
        checkKeys(reader, allowed: ["service", "colour-label"])
        let service = reader["service"].map(serviceName)
            ?? defaultService(deployment, environment: environment, at: reader.owner, path: reader.value.path)
        let label = reader["colour-label"].map(labelKey) ?? BlueGreenOptions.defaultColourLabel
        guard let service, let label else { return nil }
        return BlueGreenOptions(service: service, colourLabel: label)
    }

    /// A Service name: a DNS-1123 label that starts with a letter (Kubernetes uses RFC 1035 labels for Services).
    private func serviceName(_ value: Value) -> String? {
        guard let name = name(value, what: "service name", rule: .label) else { return nil }
        guard name.unicodeScalars.first.map({ ("a"..."z").contains($0) }) == true else {
            sink.error("service name '\(Quote.clip(name))' must start with a letter", at: value.position, path: value.path)
            return nil
        }
        return name
    }

    /// The deployment name as the default Service name, when it is a valid one.
    private func defaultService(_ deployment: String?, environment: String, at position: Position, path: String) -> String? {
        guard let deployment else { return nil }
        let valid = NameRules.isDNS1123Label(deployment)
            && deployment.unicodeScalars.first.map { ("a"..."z").contains($0) } == true
        guard valid else {
            sink.error("the Service name defaults to the deployment name '\(Quote.clip(deployment))', which is not a valid "
                + "Service name; set 'blue-green: { service: NAME }' in environment '\(Quote.clip(environment))'",
                at: position, path: path)
            return nil
        }
        return deployment
    }

    /// A Kubernetes label key: `[prefix/]name`, prefix a DNS-1123 subdomain, name 1...63 of `[A-Za-z0-9-_.]`
    /// starting and ending with an alphanumeric character.
    private func labelKey(_ value: Value) -> String? {
        guard let text = string(value) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = parts.last ?? ""
        let prefixOK = parts.count == 1 || (parts.count == 2 && NameRules.isDNS1123Subdomain(parts[0]))
        let isAlnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        let scalars = Array(name.unicodeScalars)
        let nameOK = (1...63).contains(scalars.count)
            && scalars.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
            && scalars.first.map(isAlnum) == true && scalars.last.map(isAlnum) == true
        guard prefixOK, nameOK else {
            sink.error("'\(value.label)' must be a Kubernetes label key such as 'colour' or 'example.com/colour', "
                + "got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        return text
    }

    private func canary(_ value: Value, environment: String) -> CanaryOptions? {
        let context = "in 'canary' of environment '\(Quote.clip(environment))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'steps', 'pause' and 'replicas'") else {
            return nil
        }
        checkKeys(reader, allowed: ["steps", "pause", "replicas"])
        let steps = require(reader, "steps").flatMap(canarySteps)
        let pause = reader["pause"].map(duration) ?? CanaryOptions.defaultPauseSeconds
        let replicas = reader["replicas"].map { integer($0, in: 1...1000) }
        guard let steps, let pause, replicas.map({ $0 != nil }) ?? true else { return nil }
        return CanaryOptions(steps: steps, pauseSeconds: pause, replicas: replicas ?? nil)
    }

    private func canarySteps(_ value: Value) -> [Int]? {
        guard let items = list(value, what: "a list of percentages such as [10, 25, 50, 100]") else { return nil }
        guard !items.isEmpty else {
            sink.error("'steps' must list at least one percentage, ending at 100", at: value.position, path: value.path)
            return nil
        }
        var steps: [Int] = []
        var failed = false
        for item in items {
            guard let step = integer(item, in: 1...100) else { failed = true; continue }
            if let previous = steps.last, step <= previous {
                sink.error("'steps' must increase: \(step) comes after \(previous)", at: item.position, path: item.path)
                failed = true
            }
            steps.append(step)
        }
        if !failed, let last = steps.last, last != 100, let lastItem = items.last {
            sink.error("'steps' must end at 100, got \(last)", at: lastItem.position, path: lastItem.path)
            failed = true
        }
        return failed ? nil : steps
    }
}
