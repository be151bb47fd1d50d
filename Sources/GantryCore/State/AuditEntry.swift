import Foundation

/// One line of a deploy's audit trail: who decided what, and when.
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var actor: String
    public var kind: EventKind
    /// A human sentence, e.g. `ticked pre-deploy/backup: "snapshot 42"`.
    public var text: String

    public init(seq: Int64, time: Date, actor: String, kind: EventKind, text: String) {
        self.seq = seq
        self.time = time
        self.actor = actor
        self.kind = kind
        self.text = text
    }
}
