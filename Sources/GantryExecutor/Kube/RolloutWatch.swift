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

    /// Returns the final status, or throws `.progressDeadline` / `.timedOut`.
    func run() async throws -> DeploymentStatus {
        let argv = kubectl.watchDeployment(deployment)
        let box = WatchBox()
        let recorder = self.recorder, stage = self.stage, label = self.label
        let task = Task {
            try await runner.run(Command(argv, timeout: timeout)) { stream, line in
                guard stream == .stdout else {
                    recorder.log(stage, .stderr, line)
                    return
                }
                guard let status = DeploymentStatus(json: line) else { return }
                if box.update(status) {
                    _ = try? recorder.record(.stageProgressed(stage: stage, done: status.newReady, total: status.desired, label: label))
                }
                if status.isComplete || status.deadlineExceeded { box.finish() }
            }
        }
        let finished = await box.wait(orUntil: task)
        task.cancel()
        let result = try? await task.value
        try Task.checkCancellation()
        guard let status = box.last else {
            throw ExecutorError.commandFailed(command: ShellQuote.join(argv), status: result?.status ?? -1,
                                              lastLine: "the watch ended before reporting the deployment")
        }
        if status.deadlineExceeded { throw ExecutorError.progressDeadline(status.waitingFor) }
        if !finished || !status.isComplete {
            if result?.timedOut == true || !finished {
                throw ExecutorError.timedOut(command: ShellQuote.join(argv), seconds: timeout)
            }
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
    private var waiter: CheckedContinuation<Bool, Never>?

    var last: DeploymentStatus? { lock.withLock { status } }

    /// Stores `new`; returns whether its progress differs from the last.
    func update(_ new: DeploymentStatus) -> Bool {
        lock.withLock {
            defer { status = new }
            guard let old = status else { return true }
            return old.newReady != new.newReady || old.desired != new.desired
        }
    }

    func finish() {
        let continuation: CheckedContinuation<Bool, Never>? = lock.withLock {
            done = true
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume(returning: true)
    }

    /// Waits until `finish()` or until `task` ends; returns whether `finish()` was called.
    func wait(orUntil task: Task<CommandResult, Error>) async -> Bool {
        let ender = Task { [weak self] in
            _ = try? await task.value
            self?.end()
        }
        defer { ender.cancel() }
        return await withCheckedContinuation { continuation in
            let ready: Bool? = lock.withLock {
                if done { return true }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func end() {
        let continuation: CheckedContinuation<Bool, Never>? = lock.withLock {
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume(returning: false)
    }
}
