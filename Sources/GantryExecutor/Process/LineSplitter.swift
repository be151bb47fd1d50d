/// Splits a byte stream into lines, however the bytes arrive: one line per `\n` (trailing `\r`s
/// are dropped; of a line that progress output rewrote with `\r`, the last text is kept, as a
/// terminal would show it), lines longer than `maximumLength` bytes are cut with a marker, and invalid
/// UTF-8 is repaired. Memory stays bounded by `maximumLength` whatever the input.
public struct LineSplitter: Sendable {
    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var dropping = false
    private var droppedBytes = 0

    public init(maximumLength: Int = 16 * 1024) {
        self.maximumLength = max(16, maximumLength)
    }

    /// Feeds bytes; returns the lines they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A {
                lines.append(finishLine())
            } else if dropping {
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
        if !dropping {
            while pending.last == 0x0D { pending.removeLast() }
            if let carriage = pending.lastIndex(of: 0x0D) { pending.removeSubrange(...carriage) }
        }
        var line = String(decoding: pending, as: UTF8.self)
        if dropping { line += " … [\(droppedBytes) more bytes cut]" }
        pending.removeAll(keepingCapacity: pending.count <= 4096)
        dropping = false
        droppedBytes = 0
        return line
    }
}
