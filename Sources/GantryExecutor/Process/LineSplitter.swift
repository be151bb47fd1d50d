/// Splits a byte stream into lines, however the bytes arrive: one line per `\n` (trailing `\r`s
/// are dropped; of a line that progress output rewrote with `\r`, the last text is kept, as a
/// terminal would show it), lines longer than `maximumLength` bytes are cut with a marker, and invalid
/// UTF-8 is repaired. Memory stays bounded by `maximumLength` whatever the input.
public struct LineSplitter: Sendable {
    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var dropping = false
    private var droppedBytes = 0
    /// A `\r` was read and nothing after it yet.
    private var carriage = false

    public init(maximumLength: Int = 16 * 1024) {
        self.maximumLength = max(16, maximumLength)
    }

    /// Feeds bytes; returns the lines they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A {
                lines.append(finishLine())
                continue
            }
            if byte == 0x0D {
                carriage = true
                continue
            }
            if carriage {
                // Text after a bare `\r` rewrites the line (progress output): start it afresh,
                // even when the earlier text was too long and being dropped.
                carriage = false
                pending.removeAll(keepingCapacity: true)
                dropping = false
                droppedBytes = 0
            }
            if dropping {
                droppedBytes += 1
            } else if pending.count >= maximumLength {
                dropping = true
                droppedBytes = 1
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// Returns the last unterminated line, if any.
    public mutating func finish() -> String? {
        guard !pending.isEmpty || dropping else { return nil }
        return finishLine()
    }

    private mutating func finishLine() -> String {
        carriage = false
        var line = String(decoding: pending, as: UTF8.self)
        if dropping { line += " … [\(droppedBytes) more bytes cut]" }
        pending.removeAll(keepingCapacity: pending.count <= 4096)
        dropping = false
        droppedBytes = 0
        return line
    }
}
