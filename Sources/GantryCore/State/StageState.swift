import Foundation

/// Where a stage is in its life.
public enum StageStatus: String, Sendable, Equatable {
    case pending, queued, running, succeeded, failed, skipped, cancelled

    /// Whether the stage has ended.
    public var isFinished: Bool {
        switch self {
        case .succeeded, .failed, .skipped, .cancelled: true
        case .pending, .queued, .running: false
        }
    }
}

/// Progress of a running stage.
public struct StageProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var label: String
    public init(done: Int, total: Int, label: String) {
        self.done = done
        self.total = total
        self.label = label
    }
}

/// Output of a stage that was not stored (past its budget).
public struct OmittedOutput: Sendable, Equatable {
    public var lines: Int
    public var bytes: Int
    /// The seq of the marker line standing for them in the stage's log.
    public var markerSeq: Int64
    public init(lines: Int, bytes: Int, markerSeq: Int64 = 0) {
        self.lines = lines
        self.bytes = bytes
        self.markerSeq = markerSeq
    }

    /// `1,204,311 lines (180.2 MB) of output not stored`.
    public static func describe(lines: Int, bytes: Int) -> String {
        "\(grouped(lines)) \(lines == 1 ? "line" : "lines") (\(size(bytes))) of output not stored"
    }

    public var description: String { Self.describe(lines: lines, bytes: bytes) }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

/// One stage of one deploy.
public struct StageState: Sendable, Equatable {
    public let id: String
    public var summary: String
    public var needs: [String]
    public var status: StageStatus = .pending
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The exact argv of the last command the stage started, for a person to copy.
    public var command: [String] = []
    public var progress: StageProgress?
    /// Why the stage failed, was skipped or cancelled.
    public var reason: String = ""
    public var log: LogRing
    /// Output past the stage's budget that was not stored (none: nil).
    public var omittedOutput: OmittedOutput?

    /// A pending stage with an empty log ring of `logCapacity` lines.
    public init(id: String, summary: String = "", needs: [String] = [], logCapacity: Int = 1000) {
        self.id = id
        self.summary = summary
        self.needs = needs
        self.log = LogRing(capacity: logCapacity)
    }

    /// How long the stage ran (or has run, at `now`).
    public func duration(now: Date) -> TimeInterval? {
        guard let startedAt else { return nil }
        return (finishedAt ?? now).timeIntervalSince(startedAt)
    }
}
