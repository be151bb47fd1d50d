import Foundation
import Yams

extension PipelineBuilder {
    // MARK: - Mappings and lists

    /// Reads `value` as a mapping; reports a wrong type, non-string keys and duplicate keys.
    func mapping(_ value: Value, context: String, owner: Position? = nil, what: String = "a mapping") -> MappingReader? {
        guard case .mapping(let mapping) = value.node else {
            sink.error("'\(value.label)' must be \(what), got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Value)] = []
        var seen: [String: Position] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                sink.error("keys must be plain strings \(context), got \(Value(node: keyNode, path: "", label: "").got)",
                           at: keyNode.position, path: value.path)
                continue
            }
            let key = scalar.string
            if let duplicate = duplicates.claim(key) {
                let first = duplicate.first
                sink.error("duplicate key '\(Quote.clip(duplicate.name))' \(context) (first defined at \(first))",
                           at: keyNode.position, path: value.child(duplicate.name, valueNode).path)
                continue
            }
            if let first = seen[key] {
                let shown = sink.original(first)
                sink.error("duplicate key '\(Quote.clip(key))' \(context) (first defined at \(shown))",
                           at: keyNode.position, path: value.child(key, valueNode).path)
                continue
            }
            seen[key] = keyNode.position
            entries.append((key, keyNode, value.child(key, valueNode)))
        }
        return MappingReader(owner: owner ?? value.position, context: context, value: value, entries: entries)
    }

    /// Reports keys of `reader` that are not in `allowed`, suggesting the nearest one.
    func checkKeys(_ reader: MappingReader, allowed: [String]) {
        for entry in reader.entries where !allowed.contains(entry.key) {
            let key = Quote.clip(entry.key)
            var message = "unknown key '\(key)' \(reader.context)"
            if let near = Suggest.nearest(entry.key, among: allowed) {
                message += ", did you mean '\(near)'?"
            } else {
                message += "; expected one of: \(allowed.joined(separator: ", "))"
            }
            sink.error(message, at: entry.keyNode.position, path: entry.value.path)
        }
    }

    /// The value for `key`, or nil after reporting that it is missing.
    func require(_ reader: MappingReader, _ key: String) -> Value? {
        if let value = reader[key] { return value }
        sink.error("missing required key '\(key)' \(reader.context)", at: reader.owner, path: reader.value.path)
        return nil
    }

    /// Reads `value` as a list; reports a wrong type.
    func list(_ value: Value, what: String = "a list") -> [Value]? {
        guard case .sequence(let sequence) = value.node else {
            sink.error("'\(value.label)' must be \(what), got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        return Array(sequence).enumerated().map { value.element($0.offset, $0.element) }
    }

    // MARK: - Scalars

    /// Reads a non-null scalar as text. Control characters (and bidi overrides) are refused:
    /// everywhere for names, arguments and settings; free text may hold line breaks and tabs.
    func string(_ value: Value, freeText: Bool = false) -> String? {
        guard case .scalar(let scalar) = value.node, !value.isNull else {
            sink.error("'\(value.label)' must be a string, got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        if let bad = ControlCharacters.first(in: scalar.string, allowLineBreaks: freeText) {
            sink.error("'\(value.label)' holds the control character \(ControlCharacters.describe(bad.scalar)) at character "
                + "\(bad.index) of \(value.got); remove it (names, arguments and versions may hold none)",
                       at: value.position, path: value.path)
            return nil
        }
        return scalar.string
    }

    /// Reads text that may contain placeholders, checking that only known ones appear.
    func template(_ value: Value) -> Template? { template(value, freeText: false) }

    /// Reads free text (line breaks and tabs allowed) that may contain placeholders.
    func freeTextTemplate(_ value: Value) -> Template? { template(value, freeText: true) }

    private func template(_ value: Value, freeText: Bool) -> Template? {
        guard let text = string(value, freeText: freeText) else { return nil }
        if let problem = Template.problem(in: text) {
            sink.error("'\(value.label)' has \(problem)", at: value.position, path: value.path)
            return nil
        }
        return Template(text)
    }

    /// Reads a plain integer within `range`.
    func integer(_ value: Value, in range: ClosedRange<Int>) -> Int? {
        guard let text = value.node.plainText, let number = Int(text, radix: 10) else {
            sink.error("'\(value.label)' must be an integer, got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        guard range.contains(number) else {
            let bounds = range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            sink.error("'\(value.label)' must be \(bounds), got \(number)", at: value.position, path: value.path)
            return nil
        }
        return number
    }

    /// Reads a plain, finite, non-negative number.
    func number(_ value: Value) -> Double? {
        guard let text = value.node.plainText, let number = Double(text), number.isFinite else {
            sink.error("'\(value.label)' must be a number, got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        guard number >= 0 else {
            sink.error("'\(value.label)' must not be negative, got \(text)", at: value.position, path: value.path)
            return nil
        }
        return number
    }

    /// Reads `true` or `false`.
    func boolean(_ value: Value) -> Bool? {
        switch value.node.plainText?.lowercased() {
        case "true": return true
        case "false": return false
        default:
            sink.error("'\(value.label)' must be true or false, got \(value.got)", at: value.position, path: value.path)
            return nil
        }
    }

    /// Reads a duration such as `30s`, `2m`, `1h` or `1h30m`, in seconds (at least 1).
    func duration(_ value: Value) -> Int? {
        guard case .scalar(let scalar) = value.node, !value.isNull,
              let seconds = DurationText.seconds(scalar.string), seconds > 0 else {
            sink.error("'\(value.label)' must be a duration such as '30s', '2m' or '1h', got \(value.got)",
                       at: value.position, path: value.path)
            return nil
        }
        return seconds
    }

    /// Reads one of the raw values of `E`, suggesting the nearest on a typo.
    func choice<E: RawRepresentable & CaseIterable>(_ value: Value, _ type: E.Type) -> E? where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        if case .scalar(let scalar) = value.node, let found = E(rawValue: scalar.string) { return found }
        var message = "'\(value.label)' must be one of \(names.joined(separator: ", ")), got \(value.got)"
        if case .scalar(let scalar) = value.node, !value.isNull {
            message += Suggest.hint(scalar.string, among: names)
        }
        sink.error(message, at: value.position, path: value.path)
        return nil
    }

    /// Reads an argument array: a non-empty list of strings, run without a shell.
    func argv(_ value: Value) -> [Template]? {
        guard case .sequence(let sequence) = value.node else {
            sink.error("'\(value.label)' must be a list of arguments such as [\"./scripts/check\", \"${version}\"] "
                + "(commands run without a shell), got \(value.got)", at: value.position, path: value.path)
            return nil
        }
        guard !Array(sequence).isEmpty else {
            sink.error("'\(value.label)' must name a command; the argument list is empty",
                       at: value.position, path: value.path)
            return nil
        }
        let arguments = Array(sequence).enumerated().map { template(value.element($0.offset, $0.element)) }
        if let first = arguments.first, let program = first, program.raw.isEmpty {
            sink.error("'\(value.label)[0]' must name a command, got an empty string", at: value.position, path: value.path)
            return nil
        }
        let valid = arguments.compactMap { $0 }
        return valid.count == arguments.count ? valid : nil
    }
}
