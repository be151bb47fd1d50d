import Foundation

/// Events that a store once held and no longer does, found when it opened (see `StoreMark`).
public struct LogDamage: Sendable, Equatable, CustomStringConvertible {
    /// What was found.
    public enum Kind: Sendable, Equatable {
        /// The log ends before events that were recorded earlier: `missing` are gone.
        case missing(ClosedRange<Int64>)
        /// The event at `seq` is not the one recorded earlier: the log was replaced or rewritten.
        case rewritten(seq: Int64)
    }

    /// The store's file.
    public var path: String
    /// The last event the log holds now.
    public var logEnd: Int64
    public var kind: Kind

    public init(path: String, logEnd: Int64, kind: Kind) {
        self.path = path
        self.logEnd = logEnd
        self.kind = kind
    }

    /// A few words for a status line: `LOG DAMAGED: events 8–12 missing (see gantry history)`.
    public var summary: String {
        switch kind {
        case .missing(let range):
            let events = range.count == 1 ? "event \(range.lowerBound)" : "events \(range.lowerBound)–\(range.upperBound)"
            return "LOG DAMAGED: \(events) missing, restore \((path as NSString).lastPathComponent) from a backup"
        case .rewritten(let seq):
            return "LOG DAMAGED: event \(seq) was rewritten, restore \((path as NSString).lastPathComponent) from a backup"
        }
    }

    /// One sentence for a person: what is missing, why, and what to do.
    public var description: String {
        let mark = StoreMark.path(forStore: path)
        switch kind {
        case .missing(let range):
            let events = range.count == 1 ? "event \(range.lowerBound)" : "events \(range.lowerBound)–\(range.upperBound)"
            return "\(path) is missing \(events), recorded earlier (the log ends at event \(logEnd); \(mark) says it "
                + "reached \(range.upperBound)): its WAL was truncated or damaged, and what Gantry shows may be out of "
                + "date. Restore \(path) and \(path)-wal from a backup; to accept the loss, delete \(mark)"
        case .rewritten(let seq):
            return "event \(seq) of \(path) is not the one recorded earlier (its checksum differs from \(mark)): the "
                + "log was replaced or rewritten. Restore it from a backup; to accept it as it is, delete \(mark)"
        }
    }
}
