/// A JSON value: the simulator's representation of every Kubernetes object.
///
/// Objects are unordered; ``JSONWriter`` sorts keys so output is deterministic.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    // MARK: - Accessors

    /// The dictionary, when this is an object.
    public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, when this is a number with no fraction.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Member lookup on objects; `.null` for anything else or a missing key. Setting on a non-object makes it one.
    public subscript(key: String) -> JSON {
        get {
            if case .object(let o) = self { return o[key] ?? .null }
            return .null
        }
        set {
            var o = objectValue ?? [:]
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Reads or writes along a path of object keys, creating objects on the way when writing.
    public subscript(path path: [String]) -> JSON {
        get {
            var v = self
            for k in path { v = v[k] }
            return v
        }
        set {
            guard let first = path.first else { self = newValue; return }
            var child = self[first]
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }

    /// Removes a key from an object (no-op otherwise).
    public mutating func removeKey(_ key: String) {
        if case .object(var o) = self {
            o.removeValue(forKey: key)
            self = .object(o)
        }
    }

    /// A string-to-string map such as labels or annotations (non-string values are skipped).
    public var stringMap: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in objectValue ?? [:] {
            if let s = v.stringValue { out[k] = s }
        }
        return out
    }

    /// Builds a JSON object from a string map.
    public static func map(_ m: [String: String]) -> JSON {
        .object(m.mapValues { .string($0) })
    }
}

extension JSON {
    /// Structural equality; numbers compare by value (`1` equals `1.0`).
    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o: [String: JSON] = [:]
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSON {
    /// Compact JSON text with sorted keys.
    public var compactText: String { JSONWriter.write(self) }

    /// Parses JSON text; throws ``SimError/badJSON(_:)``.
    public static func parse(_ text: String) throws(SimError) -> JSON {
        try JSONParser.parse(Array(text.utf8))
    }

    /// Parses JSON bytes; throws ``SimError/badJSON(_:)``.
    public static func parse(bytes: [UInt8]) throws(SimError) -> JSON {
        try JSONParser.parse(bytes)
    }
}
