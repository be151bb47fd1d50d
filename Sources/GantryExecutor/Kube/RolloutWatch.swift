import Foundation
import GantryCore

/// Follows one Deployment's rollout through kubectl watches (no polling), reporting replica-level
/// progress, until it completes, exceeds its progress deadline, or the timeout expires.
///
/// A watch that ends or fails (API servers close watches after a while, and on restarts) is
/// started again with a short back-off, as `kubectl rollout status` does: each new watch begins
/// with the Deployment's current state, so nothing is missed. Only the timeout, the progress
/// deadline or cancellation end the wait; a rollout not complete at the timeout is stuck, a
/// progress failure (`.rolloutStuck`) that follows the rollback policy.
struct RolloutWatch {
    let runner: any ProcessRunner
    let recorder: Recorder
    let kubectl: Kubectl
    let stage: String
    let deployment: String
    let timeout: Double
    /// Progress label prefix, e.g. `pods ready` or `canary pods ready`.
    var label = "pods ready"
    /// When set, statuses of a pod template without this image (the rollout before) are ignored.
    var expectedImage: String?
    /// The longest pause between two watches.
    var maxBackoff: Double = 2
    /// Why pods are not ready (CrashLoopBackOff with the last log line, ImagePullBackOff, Pending
    /// and why): asked every `diagnosisInterval` seconds while the rollout is not complete, each
    /// new answer logged and shown in the stage's progress, so a stuck rollout explains itself
    /// before its deadline.
    var diagnose: (@Sendable () async -> String?)?
    var diagnosisInterval: Double = 2

    /// Returns the final status, or throws `.progressDeadline` / `.rolloutStuck`; cancelling the
    /// calling task stops the watch (and its kubectl) at once.
    func run() async throws -> DeploymentStatus {
        let argv = kubectl.watchDeployment(deployment)
        let box = WatchBox()
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var backoff = 0.2
        var watches = 0
        let diagnosis = diagnose.map { diagnose in
            Task { [recorder, stage, label, interval = diagnosisInterval] in
                var last = ""
                while true {
                    try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                    if box.isDone { return }
                    guard let why = await diagnose(), why != last else { continue }
                    last = why
                    recorder.log(stage, .system, "not ready yet: \(why)")
                    let status = box.last
                    recorder.note(.stageProgressed(stage: stage, done: status?.newReady ?? 0, total: status?.desired ?? 0,
                                                   label: "\(label) — \(why)"))
                }
            }
        }
        defer { diagnosis?.cancel() }
        while true {
            let remaining = deadline - ContinuousClock.now
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            if seconds <= 0 { break }
            watches += 1
            let result = try await watchOnce(argv, box: box, seconds: seconds)
            try Task.checkCancellation()
            if box.isDone { break }
            if result?.timedOut == true { break }
            // The watch ended (or kubectl failed) before the rollout did: watch again.
            let why = result.map { $0.status == 0 ? "the API server closed it" : "kubectl exited with status \($0.status)" } ?? "?"
            recorder.log(stage, .system, "watch of deployment/\(deployment) ended (\(why)) while "
                + (box.last?.waitingFor ?? "waiting for its first state") + "; watching again")
            try await Task.sleep(for: .milliseconds(Int(min(backoff, max(0, seconds)) * 1000)))
            backoff = min(backoff * 2, maxBackoff)
        }
        guard let status = box.last else {
            throw ExecutorError.rolloutStuck(seconds: timeout, waiting: "deployment/\(deployment) could not be read in \(watches) "
                + "watch\(watches == 1 ? "" : "es")")
        }
        if status.deadlineExceeded { throw ExecutorError.progressDeadline(status.waitingFor) }
        guard status.isComplete else { throw ExecutorError.rolloutStuck(seconds: timeout, waiting: status.waitingFor) }
        return status
    }

    /// One `kubectl get -w`, until it ends, the rollout ends, or `seconds` pass.
    private func watchOnce(_ argv: [String], box: WatchBox, seconds: Double) async throws -> CommandResult? {
        let recorder = self.recorder, stage = self.stage, label = self.label, runner = self.runner
        let expected = expectedImage
        box.rearm()
        return try await withThrowingTaskGroup(of: CommandResult?.self) { group in
            group.addTask {
                try await runner.run(ProcessCommand(argv, timeout: seconds)) { stream, line in
                    guard stream == .stdout else {
                        recorder.log(stage, .stderr, line)
                        return
                    }
                    guard !box.isDone, let status = DeploymentStatus(json: line) else { return }
                    if let expected, !status.images.contains(expected) { return }
                    if box.update(status) {
                        recorder.note(.stageProgressed(stage: stage, done: status.newReady, total: status.desired, label: label))
                    }
                    if status.isComplete || status.deadlineExceeded { box.finish() }
                }
            }
            group.addTask {
                await box.waitForFinish()
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// Shared state between the watch's line callback and the waiting task.
final class WatchBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: DeploymentStatus?
    private var done = false
    private var cancelled = false
    private var waiter: CheckedContinuation<Void, Never>?

    /// Readies the box for another watch (a cancellation of the last one's waiter is forgotten).
    func rearm() { lock.withLock { cancelled = false } }

    var last: DeploymentStatus? { lock.withLock { status } }

    /// Whether the rollout reached its end (later watch lines are ignored).
    var isDone: Bool { lock.withLock { done } }

    /// Stores `new`; returns whether its progress differs from the last.
    func update(_ new: DeploymentStatus) -> Bool {
        lock.withLock {
            defer { status = new }
            guard let old = status else { return true }
            return old.newReady != new.newReady || old.desired != new.desired
        }
    }

    func finish() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            done = true
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume()
    }

    /// Returns once `finish()` was called, or when the calling task is cancelled.
    func waitForFinish() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = lock.withLock {
                    if done || cancelled { return true }
                    waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
                cancelled = true
                defer { waiter = nil }
                return waiter
            }
            continuation?.resume()
        }
    }
}
