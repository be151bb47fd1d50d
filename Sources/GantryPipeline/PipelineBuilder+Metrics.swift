import Foundation
import GantryCore

extension PipelineBuilder {
    static let metricKeys = ["probe", "measure", "prometheus", "kube", "warn", "critical", "bad", "unit"]
    static let sourceKeys = ["probe", "prometheus", "kube"]

    /// Reads `metrics:`, a mapping of metric name to metric.
    func metricList(_ value: Value) -> [MetricSpec]? {
        guard let reader = mapping(value, context: "in 'metrics'", what: "a mapping of metric names to metrics") else {
            return nil
        }
        var result: [MetricSpec] = []
        var failed = false
        for entry in reader.entries {
            let nameValue = Value(node: entry.keyNode, path: entry.value.path, label: entry.key)
            let name = self.name(nameValue, what: "metric name", rule: .label)
            if let spec = metric(entry.value, name: entry.key, owner: entry.keyNode.position), name != nil {
                result.append(spec)
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    private func metric(_ value: Value, name: String, owner: Position) -> MetricSpec? {
        let context = "in metric '\(Quote.clip(name))'"
        guard let reader = mapping(value, context: context, owner: owner,
                                   what: "a mapping with one source ('probe', 'prometheus' or 'kube')") else { return nil }
        checkKeys(reader, allowed: Self.metricKeys)
        let source = metricSource(reader, name: name)
        let warn = reader["warn"].map(number)
        let critical = reader["critical"].map(number)
        var declared: ThresholdDirection??
        if let bad = reader["bad"] {
            if case .scalar(let scalar) = bad.node, scalar.string == "above" { declared = .some(.higherIsWorse) }
            else if case .scalar(let scalar) = bad.node, scalar.string == "below" { declared = .some(.lowerIsWorse) }
            else {
                sink.error("'bad' must be 'above' (higher values are worse) or 'below' (lower values are worse), got \(bad.got)",
                           at: bad.position, path: bad.path)
                declared = .some(nil)
            }
        }
        var unit: MetricUnit??
        if let value = reader["unit"] {
            let known = MetricUnit.allCases.filter { $0 != .none }.map(\.rawValue)
            if case .scalar(let scalar) = value.node, let found = MetricUnit(rawValue: scalar.string), found != .none {
                unit = .some(found)
            } else {
                sink.error("'unit' must be one of \(known.joined(separator: ", ")) (ratio shows 0.05 as 5%, seconds shows "
                    + "0.012 as 12 ms), got \(value.got)", at: value.position, path: value.path)
                unit = .some(nil)
            }
        }
        guard let source, warn.map({ $0 != nil }) ?? true, critical.map({ $0 != nil }) ?? true,
              declared.map({ $0 != nil }) ?? true, unit.map({ $0 != nil }) ?? true else { return nil }
        var spec = MetricSpec(name: name, source: source, warn: warn ?? nil, critical: critical ?? nil)
        spec.declaredDirection = declared ?? nil
        spec.declaredUnit = unit ?? nil
        if let low = spec.warn, let high = spec.critical, let position = reader["critical"]?.position {
            let wrongWay = spec.direction == .higherIsWorse ? high < low : high > low
            if wrongWay {
                let relation = spec.direction == .higherIsWorse ? ">=" : "<="
                let hint = spec.direction == .lowerIsWorse ? " (for ready replicas, lower is worse)" : ""
                sink.error("'critical' (\(format(high))) must be \(relation) 'warn' (\(format(low))) in metric "
                    + "'\(Quote.clip(name))'\(hint)", at: position, path: reader.value.path + ".critical")
                return nil
            }
        }
        return spec
    }

    private func metricSource(_ reader: MappingReader, name: String) -> MetricSource? {
        let sources = reader.present(Self.sourceKeys)
        guard sources.count == 1, let key = sources.first, let value = reader[key] else {
            let message = sources.isEmpty
                ? "metric '\(Quote.clip(name))' needs a source: one of 'probe', 'prometheus' or 'kube'"
                : "metric '\(Quote.clip(name))' has more than one source ("
                    + sources.map { "'\($0)'" }.joined(separator: " and ") + "); keep exactly one"
            sink.error(message, at: reader.owner, path: reader.value.path)
            return nil
        }
        if key != "probe", let measure = reader.entries.first(where: { $0.key == "measure" }) {
            sink.error("'measure' applies only to 'probe' metrics", at: measure.keyNode.position, path: measure.value.path)
            return nil
        }
        switch key {
        case "probe":
            let target = probeTarget(value)
            let measure = require(reader, "measure").flatMap { choice($0, ProbeMeasure.self) }
            guard let target, let measure else { return nil }
            return .probe(target, measure)
        case "prometheus":
            guard let query = freeTextTemplate(value) else { return nil }
            if query.raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                sink.error("'prometheus' must be a query, got an empty string", at: value.position, path: value.path)
                return nil
            }
            return .prometheus(query: query)
        default:
            return choice(value, KubeMeasure.self).map(MetricSource.kube)
        }
    }

    /// `health` or an http(s) URL.
    private func probeTarget(_ value: Value) -> ProbeTarget? {
        if case .scalar(let scalar) = value.node, scalar.string == "health" { return .health }
        if case .scalar(let scalar) = value.node, !value.isNull,
           !scalar.string.lowercased().hasPrefix("http://"), !scalar.string.lowercased().hasPrefix("https://") {
            sink.error("'probe' must be 'health' or an http:// or https:// URL, got \(value.got)",
                       at: value.position, path: value.path)
            return nil
        }
        return httpURL(value).map(ProbeTarget.url)
    }

    private func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
