import Foundation
import GantryCore

/// Follows one Deployment's rollout through a kubectl watch (no polling), reporting replica-level
/// progress, until it completes, exceeds its progress deadline, or the timeout expires.
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

    /// Returns the final status, or throws `.progressDeadline` / `.timedOut`; cancelling the
    /// calling task stops the watch (and its kubectl) at once.
    func run() async throws -> DeploymentStatus {
        let argv = kubectl.watchDeployment(deployment)
        let box = WatchBox()
        let recorder = self.recorder, stage = self.stage, label = self.label, runner = self.runner, timeout = self.timeout
        let expected = expectedImage
        let result: CommandResult? = try await withThrowingTaskGroup(of: CommandResult?.self) { group in
            group.addTask {
                try await runner.run(ProcessCommand(argv, timeout: timeout)) { stream, line in
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
        try Task.checkCancellation()
        guard let status = box.last else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result?.status ?? -1,
                                              lastLine: "the watch ended before reporting the deployment")
        }
        if status.deadlineExceeded { throw ExecutorError.progressDeadline(status.waitingFor) }
        guard status.isComplete else {
            if result?.timedOut == true { throw ExecutorError.timedOut(command: ShellQuote.join(argv), seconds: timeout) }
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result?.status ?? -1,
                                              lastLine: "watch ended while \(status.waitingFor)")
        }
        return status
    }
}

/// Shared state between the watch's line callback and the waiting task.
final class WatchBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: DeploymentStatus?
    private var done = false
    private var cancelled = false
    private var waiter: CheckedContinuation<Void, Never>?

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
