import Foundation
import Yams

/// A node being read, with its key path (for `PipelineError.keyPath`) and the label used in
/// messages (`replicas`, `steps[2]`).
struct Value {
    let node: Node
    let path: String
    let label: String

    var position: Position { node.position }

    /// A child value for `key` of a mapping.
    func child(_ key: String, _ node: Node) -> Value {
        Value(node: node, path: path.isEmpty ? key : "\(path).\(key)", label: key)
    }

    /// A child value for entry `index` of a list.
    func element(_ index: Int, _ node: Node) -> Value {
        Value(node: node, path: "\(path)[\(index)]", label: "\(label)[\(index)]")
    }

    /// Whether the node is a YAML null (`~`, `null` or nothing).
    var isNull: Bool { node.isNullScalar }

    /// How the value is described after "got": `'three'`, `nothing`, `a list`, `a mapping`.
    var got: String {
        switch node {
        case .scalar(let scalar):
            if node.isNullScalar { return "nothing" }
            if scalar.style == .plain || scalar.style == .any { return "'\(Quote.clip(scalar.string))'" }
            return "the string \"\(Quote.clip(scalar.string))\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}

extension Node {
    /// Whether this is a plain null scalar: empty, `~` or `null`.
    var isNullScalar: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The text of a plain (unquoted) scalar, for numbers and booleans.
    var plainText: String? {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return nil }
        return scalar.string
    }
}

/// The entries of one mapping, read by key, with unknown and missing keys reported.
struct MappingReader {
    /// Where the mapping sits, for "missing key" errors (its key, or the mapping itself).
    let owner: Position
    /// How messages place the mapping: `in environment 'production'`.
    let context: String
    let value: Value
    /// The entries in file order: key text, key node, value.
    let entries: [(key: String, keyNode: Node, value: Value)]

    /// The value for `key`, if present.
    subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The keys present among `keys`, in file order.
    func present(_ keys: [String]) -> [String] { entries.map(\.key).filter { keys.contains($0) } }
}
