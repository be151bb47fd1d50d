import Foundation

/// Why bytes could not be decoded.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    /// The bytes ended before a value did.
    case truncated(offset: Int)
    /// A length or count was larger than the bytes left.
    case badLength(offset: Int)
    /// An enum's raw value is unknown.
    case badValue(field: String, value: UInt64)

    public var description: String {
        switch self {
        case .truncated(let offset): "event payload is truncated at byte \(offset)"
        case .badLength(let offset): "event payload has an impossible length at byte \(offset)"
        case .badValue(let field, let value): "event payload has an unknown \(field) \(value)"
        }
    }
}

/// Reads what `BinaryWriter` wrote, from a borrowed buffer. Never traps on bad input: it throws.
public struct BinaryReader {
    private let buffer: UnsafeRawBufferPointer
    public private(set) var offset = 0

    /// Reads from `buffer`, which must outlive the reader.
    public init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// Whether bytes are left: fields added by later schema versions are read only when present.
    public var hasMore: Bool { offset < buffer.count }

    /// How many bytes are left.
    public var remaining: Int { buffer.count - offset }

    /// A reader of the next `length` bytes, which this one skips.
    public mutating func sub(_ length: Int) throws(CodecError) -> BinaryReader {
        guard length <= remaining else { throw .badLength(offset: offset) }
        defer { offset += length }
        return BinaryReader(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length]))
    }

    public mutating func readUInt64() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw .truncated(offset: offset) }
            let byte = buffer[offset]
            offset += 1
            guard shift < 64 else { throw .badLength(offset: offset) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    public mutating func readInt() throws(CodecError) -> Int {
        let raw = try readUInt64()
        let decoded = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        return Int(truncatingIfNeeded: decoded)
    }

    public mutating func readByte() throws(CodecError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return buffer[offset]
    }

    public mutating func readBool() throws(CodecError) -> Bool { try readByte() != 0 }

    public mutating func readDouble() throws(CodecError) -> Double {
        guard buffer.count - offset >= 8 else { throw .truncated(offset: offset) }
        var bits: UInt64 = 0
        withUnsafeMutableBytes(of: &bits) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 8])) }
        offset += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    public mutating func readString() throws(CodecError) -> String {
        let length = try readUInt64()
        guard length <= UInt64(buffer.count - offset) else { throw .badLength(offset: offset) }
        let end = offset + Int(length)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<end]), as: UTF8.self)
        offset = end
        return text
    }

    public mutating func readStrings() throws(CodecError) -> [String] {
        let count = try readUInt64()
        guard count <= UInt64(buffer.count - offset) else { throw .badLength(offset: offset) }
        var values: [String] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try readString()) }
        return values
    }

    public mutating func readDate() throws(CodecError) -> Date { Date(timeIntervalSince1970: try readDouble()) }

    /// Reads a count that is about to drive a loop, refusing counts larger than the bytes left.
    public mutating func readCount() throws(CodecError) -> Int {
        let count = try readUInt64()
        guard count <= UInt64(buffer.count - offset) else { throw .badLength(offset: offset) }
        return Int(count)
    }
}
