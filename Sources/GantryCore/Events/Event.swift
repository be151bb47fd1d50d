import Foundation

/// Identifies one deploy: one run of the pipeline towards one environment.
public struct DeployID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The textual id, e.g. `staging-2.1.0-1732243200`.
    public let rawValue: String
    /// Wraps a textual id.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: DeployID, rhs: DeployID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The stream of facts about one environment itself (not of one deploy): `env:NAME`.
    public static func environment(_ name: String) -> DeployID { DeployID("env:\(name)") }
}

/// One immutable fact in the event log.
///
/// The store assigns `seq` (a global, gap-free, increasing number) and `streamVersion`
/// (the position of the event within its deploy's stream, for optimistic concurrency).
public struct Event: Sendable, Equatable {
    /// The global sequence number, starting at 1.
    public let seq: Int64
    /// The 1-based position of this event within its deploy's stream.
    public let streamVersion: Int64
    /// When the event was recorded.
    public let time: Date
    /// Who caused it: a person's name for intents, `executor` or a process name for progress.
    public let actor: String
    /// The deploy this event belongs to. Environment-wide facts (leases) use the environment's stream id.
    public let deploy: DeployID
    /// The payload's schema version when it was written; decoders upgrade older versions.
    public let schemaVersion: UInt16
    /// What happened.
    public let payload: EventPayload

    /// Creates an event value (normally done by a store on append, or by a decoder).
    public init(seq: Int64, streamVersion: Int64, time: Date, actor: String, deploy: DeployID,
                schemaVersion: UInt16 = EventPayload.currentSchemaVersion, payload: EventPayload) {
        self.seq = seq
        self.streamVersion = streamVersion
        self.time = time
        self.actor = actor
        self.deploy = deploy
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

/// An event that has not been appended yet: everything but the numbers the store assigns.
public struct PendingEvent: Sendable, Equatable {
    public let time: Date
    public let actor: String
    public let deploy: DeployID
    public let payload: EventPayload

    /// Describes an event to append.
    public init(time: Date, actor: String, deploy: DeployID, payload: EventPayload) {
        self.time = time
        self.actor = actor
        self.deploy = deploy
        self.payload = payload
    }

    /// The appended event, once the store has numbered it.
    public func numbered(seq: Int64, streamVersion: Int64) -> Event {
        Event(seq: seq, streamVersion: streamVersion, time: time, actor: actor, deploy: deploy, payload: payload)
    }
}

/// What an append expects of a stream's current version (optimistic concurrency).
public enum ExpectedVersion: Sendable, Equatable {
    /// Append whatever the stream holds.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last event must have this stream version.
    case exact(Int64)

    /// The expectation that a stream is still at `version` (0: it does not exist yet).
    public static func at(_ version: Int64) -> ExpectedVersion { version == 0 ? .noStream : .exact(version) }
}
