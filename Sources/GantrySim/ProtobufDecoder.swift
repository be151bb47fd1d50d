/// Decodes the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) of the objects kubectl's typed
/// clients create (`kubectl create deployment|namespace|service`, `kubectl expose`) into JSON.
///
/// Only the fields those commands and common manifests use are mapped (see ``ProtobufSchema``); unknown fields are
/// skipped. Like Kubernetes' JSON `omitempty`, empty strings, `false` and empty messages are left out.
enum ProtobufDecoder {
    private static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]  // "k8s\0"

    /// Decodes an enveloped object (`k8s\0` + runtime.Unknown).
    static func decode(_ bytes: [UInt8]) throws(SimError) -> JSON {
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else {
            throw .badRequest("protobuf body without the k8s envelope")
        }
        var r = Reader(data: bytes, index: 4, end: bytes.count)
        var apiVersion = "", kind = ""
        var raw: [UInt8] = []
        while !r.atEnd {
            let (field, wire) = try r.tag()
            switch (field, wire) {
            case (1, 2):
                var t = try r.sub()
                while !t.atEnd {
                    let (f, w) = try t.tag()
                    if f == 1, w == 2 { apiVersion = try t.string() } else if f == 2, w == 2 { kind = try t.string() } else { try t.skip(w) }
                }
            case (2, 2): raw = try r.bytes()
            default: try r.skip(wire)
            }
        }
        guard let schema = ProtobufSchema.top[kind] else { throw .unsupportedMediaType("application/vnd.kubernetes.protobuf (\(kind))") }
        var inner = Reader(data: raw, index: 0, end: raw.count)
        var obj = try message(&inner, schema)
        obj["apiVersion"] = .string(apiVersion)
        obj["kind"] = .string(kind)
        return obj
    }

    static func message(_ r: inout Reader, _ schema: ProtobufSchema.Message) throws(SimError) -> JSON {
        var out: [String: JSON] = [:]
        while !r.atEnd {
            let (number, wire) = try r.tag()
            guard let field = schema[number] else { try r.skip(wire); continue }
            let value = try self.value(&r, field.type, wire: wire)
            switch field.type {
            case .map:
                if case .object(let entry) = value, let k = entry["k"]?.stringValue {
                    var m = out[field.name]?.objectValue ?? [:]
                    m[k] = entry["v"] ?? ""
                    out[field.name] = .object(m)
                }
            default:
                if field.repeated {
                    var a = out[field.name]?.arrayValue ?? []
                    a.append(value)
                    out[field.name] = .array(a)
                } else if !isEmpty(value) || field.keepZero {
                    out[field.name] = value
                }
            }
        }
        return .object(out)
    }

    private static func isEmpty(_ v: JSON) -> Bool {
        switch v {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .object(let o): return o.isEmpty
        default: return false
        }
    }

    private static func value(_ r: inout Reader, _ type: ProtobufSchema.FieldType, wire: Int) throws(SimError) -> JSON {
        switch type {
        case .string: return .string(try r.string())
        case .int: return .int(Int(Int64(bitPattern: try r.varint())))
        case .bool: return .bool(try r.varint() != 0)
        case .ignored:
            try r.skip(wire)
            return .null
        case .message(let name):
            var sub = try r.sub()
            return try message(&sub, ProtobufSchema.messages[name] ?? [:])
        case .intOrString:
            var sub = try r.sub()
            let o = try message(&sub, [1: .init("type", .int), 2: .init("i", .int), 3: .init("s", .string)])
            return o["type"].intValue == 1 ? .string(o["s"].stringValue ?? "") : .int(o["i"].intValue ?? 0)
        case .quantity:
            var sub = try r.sub()
            return try message(&sub, [1: .init("s", .string)])["s"]
        case .map(let valueType):
            var sub = try r.sub()
            var k = "", v: JSON = ""
            while !sub.atEnd {
                let (f, w) = try sub.tag()
                if f == 1, w == 2 { k = try sub.string() } else if f == 2 { v = try value(&sub, valueType, wire: w) } else { try sub.skip(w) }
            }
            return ["k": .string(k), "v": v]
        }
    }

    /// A bounds-checked protobuf wire reader.
    struct Reader {
        let data: [UInt8]
        var index: Int
        let end: Int

        var atEnd: Bool { index >= end }

        mutating func varint() throws(SimError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < end, shift < 64 else { throw .badRequest("truncated protobuf varint") }
                let b = data[index]
                index += 1
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }

        mutating func tag() throws(SimError) -> (Int, Int) {
            let t = try varint()
            return (Int(t >> 3), Int(t & 7))
        }

        mutating func bytes() throws(SimError) -> [UInt8] {
            let n = try varint()
            guard n <= UInt64(end - index) else { throw .badRequest("truncated protobuf field") }
            let out = Array(data[index..<index + Int(n)])
            index += Int(n)
            return out
        }

        mutating func sub() throws(SimError) -> Reader {
            let n = try varint()
            guard n <= UInt64(end - index) else { throw .badRequest("truncated protobuf message") }
            let r = Reader(data: data, index: index, end: index + Int(n))
            index += Int(n)
            return r
        }

        mutating func string() throws(SimError) -> String {
            String(decoding: try bytes(), as: UTF8.self)
        }

        mutating func skip(_ wire: Int) throws(SimError) {
            switch wire {
            case 0: _ = try varint()
            case 1: index += 8
            case 2: _ = try bytes()
            case 5: index += 4
            default: throw .badRequest("unsupported protobuf wire type \(wire)")
            }
            guard index <= end else { throw .badRequest("truncated protobuf field") }
        }
    }
}
