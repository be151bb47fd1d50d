import Crypto
import Foundation

/// The tamper-evident link of each stored event: SHA-256 over the previous event's link and every
/// field of this one. A row changed after it was written no longer matches its link; a row
/// rewritten with a new link breaks the next one's; a deleted row leaves a gap in `seq` (and in
/// its stream's versions). `gantry verify` walks the chain; `show` checks a deploy's links.
enum ChainHash {
    static let size = 32
    /// The link before the first event.
    static let genesis = [UInt8](repeating: 0, count: size)

    static func link(previous: [UInt8], seq: Int64, streamVersion: Int64, kind: UInt16, schema: UInt16, time: Double,
                     stream: String, actor: String, payload: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        var stream = stream
        var actor = actor
        stream.withUTF8 { streamBytes in
            actor.withUTF8 { actorBytes in
                let header = (UInt64(bitPattern: seq).littleEndian, UInt64(bitPattern: streamVersion).littleEndian,
                              (UInt64(kind) | UInt64(schema) << 16).littleEndian, time.bitPattern.littleEndian,
                              UInt64(streamBytes.count).littleEndian, UInt64(actorBytes.count).littleEndian)
                withUnsafeBytes(of: header) { hasher.update(bufferPointer: $0) }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(streamBytes))
                hasher.update(bufferPointer: UnsafeRawBufferPointer(actorBytes))
            }
        }
        hasher.update(bufferPointer: payload)
        return Array(hasher.finalize())
    }

    /// The first bytes of a link, in hex, for messages.
    static func short(_ link: [UInt8]) -> String {
        link.prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
