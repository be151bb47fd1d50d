import Foundation
import GantryCore
import GantryStore

/// Appends one deploy's events to the store: decisions at once (durable), log lines in small
/// batches. Every text from outside is redacted and made terminal-safe before it is stored.
public final class Recorder: @unchecked Sendable {
    public let store: any EventStore
    public let deploy: DeployID
    public let actor: String
    let redactor: Redactor
    private let lock = NSLock()
    private var pendingLogs: [PendingEvent] = []
    private var failure: StoreError?
    /// Called with each event once it is stored (headless output).
    private let onEvent: @Sendable (Event) -> Void

    public init(store: any EventStore, deploy: DeployID, actor: String, redactor: Redactor,
                onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.store = store
        self.deploy = deploy
        self.actor = actor
        self.redactor = redactor
        self.onEvent = onEvent
    }

    /// Records an event now (after any buffered log lines, so order is kept).
    @discardableResult
    public func record(_ payload: EventPayload) throws(StoreError) -> Event {
        lock.lock()
        defer { lock.unlock() }
        try flushLocked()
        let events = try store.append([PendingEvent(time: Date(), actor: actor, deploy: deploy, payload: clean(payload))],
                                      expected: .any)
        events.forEach(onEvent)
        return events[0]
    }

    /// Buffers one output line of a stage; written within 100 ms, at 256 lines, before the next
    /// event, or by `flush()` — so a quiet step's output still shows up at once.
    public func log(_ stage: String, _ stream: LogStream, _ line: String) {
        lock.lock()
        defer { lock.unlock() }
        let text = SafeText.sanitize(redactor.redact(line))
        let wasEmpty = pendingLogs.isEmpty
        pendingLogs.append(PendingEvent(time: Date(), actor: actor, deploy: deploy,
                                        payload: .stageLogged(stage: stage, stream: stream, line: text)))
        if pendingLogs.count >= 256 {
            try? flushLocked()
        } else if wasEmpty {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { [weak self] in self?.flush() }
        }
    }

    /// Writes buffered log lines.
    public func flush() {
        lock.lock()
        defer { lock.unlock() }
        try? flushLocked()
    }

    private func flushLocked() throws(StoreError) {
        guard !pendingLogs.isEmpty else { return }
        let batch = pendingLogs
        pendingLogs.removeAll(keepingCapacity: true)
        let events = try store.append(batch, expected: .any)
        events.forEach(onEvent)
    }

    /// Redacts and sanitizes every free-text field of a payload.
    private func clean(_ payload: EventPayload) -> EventPayload {
        let safe = { (text: String) in SafeText.sanitize(self.redactor.redact(text)) }
        switch payload {
        case .stageStarted(let stage, let command): return .stageStarted(stage: stage, command: command.map { redactor.redact($0) })
        case .stageFailed(let stage, let reason): return .stageFailed(stage: stage, reason: safe(reason))
        case .stageProgressed(let stage, let done, let total, let label):
            return .stageProgressed(stage: stage, done: done, total: total, label: safe(label))
        case .checklistItemVerified(let list, let item, let passed, let evidence):
            return .checklistItemVerified(checklist: list, item: item, passed: passed, evidence: safe(evidence))
        case .deployFinished(let outcome, let reason): return .deployFinished(outcome: outcome, reason: safe(reason))
        case .rollbackFinished(let ok, let version, let reason): return .rollbackFinished(succeeded: ok, version: version, reason: safe(reason))
        default: return payload
        }
    }
}
