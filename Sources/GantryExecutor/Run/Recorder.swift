import Foundation
import GantryCore
import GantryStore

/// Appends one deploy's events to the store: decisions at once (durable), log lines in small
/// batches. Every text from outside is redacted and made terminal-safe before it is stored.
///
/// A failure to record is never swallowed: the first one (a full disk, a store made read-only)
/// is kept, every later `record` throws it again, buffered and later log lines are dropped (they
/// could not be stored either), and the handler set with `whenRecordingFails` runs once, so the
/// deploy stops instead of acting on a cluster without a trace. The deploy stays unfinished in
/// the log; `gantry resume` finishes it once the store takes writes again.
public final class Recorder: @unchecked Sendable {
    public let store: any EventStore
    public let deploy: DeployID
    public let actor: String
    let redactor: Redactor
    let budget: OutputBudget
    private let lock = NSLock()
    private var pendingLogs: [PendingEvent] = []
    private var outputs: [String: StageOutput] = [:]
    private var failure: StoreError?
    private var onFailure: (@Sendable (StoreError) -> Void)?
    /// Called with each event once it is stored (headless output).
    private let onEvent: @Sendable (Event) -> Void

    public init(store: any EventStore, deploy: DeployID, actor: String, redactor: Redactor,
                budget: OutputBudget = OutputBudget(), onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.store = store
        self.deploy = deploy
        self.actor = actor
        self.redactor = redactor
        self.budget = budget
        self.onEvent = onEvent
    }

    /// The first failure to record, if any: nothing has been recorded since.
    public var recordingFailure: StoreError? { lock.withLock { failure } }

    /// Runs `action` once, when recording first fails (or at once if it already has).
    public func whenRecordingFails(_ action: @escaping @Sendable (StoreError) -> Void) {
        let failed: StoreError? = lock.withLock {
            if failure == nil { onFailure = action }
            return failure
        }
        if let failed { action(failed) }
    }

    /// Records an event now (after any buffered log lines, so order is kept).
    @discardableResult
    public func record(_ payload: EventPayload) throws(StoreError) -> Event {
        try locked { () throws(StoreError) -> Event in
            // A stage that ends stores the tail of its output (and what was omitted) first.
            if let stage = payload.endedStage { pendingLogs += drainLocked(stage) }
            try flushLocked()
            return try appendLocked([PendingEvent(time: Date(), actor: actor, deploy: deploy, payload: clean(payload))])[0]
        }
    }

    /// Records a fact about an environment (what runs there, what was verified) on its own stream
    /// (`DeployID.environment`), after the buffered log lines. A failure is kept, as by `note`.
    public func note(environment: String, _ payload: EventPayload) {
        _ = try? locked { () throws(StoreError) -> Event in
            try flushLocked()
            return try appendLocked([PendingEvent(time: Date(), actor: actor, deploy: .environment(environment),
                                                  payload: clean(payload))])[0]
        }
    }

    /// Records an event where the caller has nothing better to do on failure than stop: the
    /// failure is kept (see `recordingFailure`) and the handler stops the deploy.
    public func note(_ payload: EventPayload) {
        _ = try? record(payload)
    }

    /// Buffers one output line of a stage; written within 100 ms, at 256 lines, before the next
    /// event, or by `flush()` — so a quiet step's output still shows up at once.
    public func log(_ stage: String, _ stream: LogStream, _ line: String) {
        try? locked { () throws(StoreError) in
            guard failure == nil else { return }
            let text = SafeText.sanitize(redactor.redact(line))
            let wasEmpty = pendingLogs.isEmpty
            let event = PendingEvent(time: Date(), actor: actor, deploy: deploy,
                                     payload: .stageLogged(stage: stage, stream: stream, line: text))
            pendingLogs += outputs[stage, default: StageOutput()]
                .take(event, bytes: text.utf8.count + 1, budget: budget, stage: stage)
            guard !pendingLogs.isEmpty else { return }
            if pendingLogs.count >= 256 {
                try flushLocked()
            } else if wasEmpty {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { [weak self] in self?.flush() }
            }
        }
    }

    /// Writes buffered log lines and the held tails of every stage's output: the run is over.
    public func finish() {
        try? locked { () throws(StoreError) in
            for stage in outputs.keys.sorted() { pendingLogs += drainLocked(stage) }
            try flushLocked()
        }
    }

    /// Writes buffered log lines (a failure is kept, see `recordingFailure`).
    public func flush() {
        try? locked { () throws(StoreError) in try flushLocked() }
    }

    private func drainLocked(_ stage: String) -> [PendingEvent] {
        guard failure == nil else { return [] }
        return outputs[stage]?.drain(stage: stage, actor: actor, deploy: deploy) ?? []
    }

    /// Runs `body` under the lock. When it fails to record for the first time, the handler set
    /// with `whenRecordingFails` runs once, outside the lock; the failure is thrown on.
    private func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        do {
            let value = try body()
            lock.unlock()
            return value
        } catch {
            let handler = takeHandlerLocked()
            lock.unlock()
            handler?(error)
            throw error
        }
    }

    private func flushLocked() throws(StoreError) {
        guard !pendingLogs.isEmpty else { return }
        let batch = pendingLogs
        pendingLogs.removeAll(keepingCapacity: true)
        _ = try appendLocked(batch)
    }

    /// Appends, or throws the kept failure; keeps the first failure.
    private func appendLocked(_ events: [PendingEvent]) throws(StoreError) -> [Event] {
        if let failure { throw failure }
        do {
            let stored = try store.append(events, expected: .any)
            stored.forEach(onEvent)
            return stored
        } catch {
            failure = error
            pendingLogs.removeAll()
            throw error
        }
    }

    /// The failure handler, handed out once (it runs outside the lock).
    private func takeHandlerLocked() -> (@Sendable (StoreError) -> Void)? {
        defer { onFailure = nil }
        return onFailure
    }

    /// Redacts and sanitizes every free-text field of a payload. The switch names every kind (no
    /// `default`), so a new kind cannot reach the store around the redactor.
    private func clean(_ payload: EventPayload) -> EventPayload {
        let safe = { (text: String) in SafeText.sanitize(self.redactor.redact(text)) }
        switch payload {
        case .stageStarted(let stage, let command): return .stageStarted(stage: stage, command: command.map { redactor.redact($0) })
        case .stageFailed(let stage, let reason): return .stageFailed(stage: stage, reason: safe(reason))
        case .stageSkipped(let stage, let reason): return .stageSkipped(stage: stage, reason: safe(reason))
        case .stageCancelled(let stage, let reason): return .stageCancelled(stage: stage, reason: safe(reason))
        case .stageLogged(let stage, let stream, let line): return .stageLogged(stage: stage, stream: stream, line: safe(line))
        case .stageProgressed(let stage, let done, let total, let label):
            return .stageProgressed(stage: stage, done: done, total: total, label: safe(label))
        case .checklistItemVerified(let list, let item, let passed, let evidence):
            return .checklistItemVerified(checklist: list, item: item, passed: passed, evidence: safe(evidence))
        case .checklistItemTicked(let list, let item, let note): return .checklistItemTicked(checklist: list, item: item, note: safe(note))
        case .checklistItemUnticked(let list, let item, let note):
            return .checklistItemUnticked(checklist: list, item: item, note: safe(note))
        case .approvalGiven(let scope, let comment): return .approvalGiven(scope: scope, comment: safe(comment))
        case .approvalRevoked(let scope, let comment): return .approvalRevoked(scope: scope, comment: safe(comment))
        case .gateOpened(let gate, let reason): return .gateOpened(gate: gate, overrideReason: safe(reason))
        case .deployFinished(let outcome, let reason): return .deployFinished(outcome: outcome, reason: safe(reason))
        case .cancelRequested(let reason): return .cancelRequested(reason: safe(reason))
        case .rollbackRequested(let reason): return .rollbackRequested(reason: safe(reason))
        case .rollbackStarted(let target, let method): return .rollbackStarted(targetVersion: target, method: safe(method))
        case .rollbackFinished(let ok, let version, let reason): return .rollbackFinished(succeeded: ok, version: version, reason: safe(reason))
        case .environmentObserved(let environment, let cause, var live, let deploy, let drift):
            live.image = safe(live.image)
            live.detail = safe(live.detail)
            return .environmentObserved(environment: environment, cause: cause, live: live, deploy: deploy, drift: safe(drift))
        case .deployRequested, .deployStarted, .stageQueued, .stageSucceeded, .stageOutputOmitted, .metricSampled,
             .thresholdCrossed, .environmentClaimed, .environmentVerified, .leaseAcquired, .leaseReleased, .unrecognized:
            return payload  // names, numbers and versions: validated, no free text from outside
        }
    }
}

extension EventPayload {
    /// The stage this event ends, if it ends one.
    var endedStage: String? {
        switch self {
        case .stageSucceeded(let stage), .stageFailed(let stage, _), .stageCancelled(let stage, _): stage
        default: nil
        }
    }
}
