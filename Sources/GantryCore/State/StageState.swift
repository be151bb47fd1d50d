import Foundation

/// Where a stage is in its life.
public enum StageStatus: String, Sendable, Equatable, Codable {
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
public struct StageProgress: Sendable, Equatable, Codable {
    public var done: Int
    public var total: Int
    public var label: String
    public init(done: Int, total: Int, label: String) {
        self.done = done
        self.total = total
        self.label = label
    }
}

/// One stage of one deploy.
public struct StageState: Sendable, Equatable, Codable {
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
