import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How far a store's log is known to have reached, kept in a small file beside it
/// (`events.sqlite.mark`), outside SQLite: the sequence number and checksum of the last event
/// that was made durable (a decision's fsynced append, or a saved snapshot).
///
/// SQLite cannot tell a WAL that was truncated or damaged in its middle from a shorter log: it
/// replays the valid frames and silently drops the rest. The mark can: when the log ends before
/// the mark, acknowledged events are missing, and every command reports the range. The mark is
/// only ever moved forward (under `flock`, several processes share it), and only past events
/// already fsynced, so a healthy log is never behind it. A store found damaged keeps its mark
/// where it was until the log is restored, or the mark deleted to accept the loss.
final class StoreMark: @unchecked Sendable {
    /// One position in the log: an event and its row checksum.
    struct Position: Equatable, Sendable {
        var seq: Int64
        var crc: Int64
    }

    /// The mark file of the store at `storePath`.
    static func path(forStore storePath: String) -> String { storePath + ".mark" }

    let path: String
    private let lock = NSLock()
    private var frozen: Bool

    /// A mark beside the store at `storePath`; a frozen one is never moved.
    init(storePath: String, frozen: Bool) {
        path = Self.path(forStore: storePath)
        self.frozen = frozen
    }

    /// The recorded position, or nil when there is no (readable) mark.
    static func read(storePath: String) -> Position? {
        guard let data = FileManager.default.contents(atPath: path(forStore: storePath)),
              let text = String(data: data, encoding: .utf8) else { return nil }
        return parse(text)
    }

    private static func parse(_ text: String) -> Position? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 4, words[0] == "gantry-mark", words[1] == "1",
              let seq = Int64(words[2]), let crc = Int64(words[3]), seq > 0 else { return nil }
        return Position(seq: seq, crc: crc)
    }

    /// Moves the mark to `position` unless it is already there or further (best effort: a
    /// mark that cannot be written only weakens the check, it never stops an append).
    func advance(to position: Position) {
        guard !lock.withLock({ frozen }) else { return }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { return }
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = pread(fd, &buffer, buffer.count, 0)
        if count > 0, let current = Self.parse(String(decoding: buffer[0..<count], as: UTF8.self)),
           current.seq >= position.seq {
            return
        }
        let line = Array("gantry-mark 1 \(position.seq) \(position.crc)\n".utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Stops moving the mark (the log was found behind it).
    func freeze() { lock.withLock { frozen = true } }

    /// Removes a mark left by a log that no longer exists (a new log is being created).
    static func remove(storePath: String) {
        unlink(path(forStore: storePath))
    }
}
