import GantryCore

/// Everything that can go wrong with an event store, with messages that say what to do.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// Another writer appended to the stream first.
    case conflict(deploy: DeployID, expected: ExpectedVersion, actual: Int64)
    /// The events of one append belong to several streams while a version was expected.
    case mixedStreams
    /// The file is not a Gantry store (another SQLite database, or not SQLite at all).
    case notAStore(path: String, detail: String)
    /// The store was written by a newer Gantry with an incompatible format.
    case tooNew(path: String, version: Int)
    /// A stored event failed its checksum or could not be decoded; `seq` is 0 when SQLite
    /// found the file damaged before any event could be named.
    case corrupt(path: String, seq: Int64, detail: String)
    /// The store cannot be written (read-only file or directory).
    case readOnly(path: String, detail: String)
    /// The disk holding the store is full: nothing more can be recorded until space is freed.
    case diskFull(path: String)
    /// The store's file exists but holds nothing (0 bytes): a log that was lost, or a stray file.
    case emptyFile(path: String)
    /// Any other I/O failure.
    case io(String)

    public var description: String {
        switch self {
        case .conflict(let deploy, let expected, let actual):
            "deploy \(deploy) changed meanwhile (expected \(expected), found version \(actual)); reload and try again"
        case .mixedStreams:
            "an append with an expected version must hold events of one deploy only"
        case .notAStore(let path, let detail):
            "\(path) is not a Gantry event store (\(detail)); point --store at a Gantry store or a new file"
        case .tooNew(let path, let version):
            "\(path) was written by a newer Gantry (store format \(version)); upgrade gantry to read it"
        case .corrupt(let path, let seq, let detail) where seq <= 0:
            "\(path) is corrupt: \(detail); restore it from a backup, or move it aside to start a new log"
        case .corrupt(let path, let seq, let detail):
            "\(path) is corrupt at event \(seq): \(detail); restore it from a backup, or move it aside to start a new log"
        case .readOnly(let path, let detail):
            "cannot write to \(path) (\(detail)); fix its permissions or use a writable --store — the log stays readable"
        case .diskFull(let path):
            "cannot record: the disk holding \(path) is full; free space on it — the log stays readable"
        case .emptyFile(let path):
            "\(path) is empty (0 bytes) and holds no Gantry log; if it held your log, restore it from a backup, "
                + "otherwise delete it and Gantry starts a new log there"
        case .io(let detail):
            "event store error: \(detail)"
        }
    }
}
