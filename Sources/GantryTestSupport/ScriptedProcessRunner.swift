import Foundation
import GantryCore
import GantryExecutor

/// A `ProcessRunner` that plays back scripted commands in order and records what was asked.
/// Each step states the exact argv expected and the output (captured from the real tool) to print.
/// An unexpected or missing call is reported by `verify()`.
public final class ScriptedProcessRunner: ProcessRunner, @unchecked Sendable {
    /// One expected call.
    public struct Step: Sendable {
        public var argv: [String]
        public var stdout: [String]
        public var stderr: [String]
        public var status: Int32
        /// Seconds to take (a cancellation or the command's timeout cuts it short).
        public var seconds: Double
        /// Run at the same time as the neighbouring concurrent steps: they may start in any order.
        public var concurrent: Bool

        public init(_ argv: [String], stdout: [String] = [], stderr: [String] = [], status: Int32 = 0, seconds: Double = 0,
                    concurrent: Bool = false) {
            self.argv = argv
            self.stdout = stdout
            self.stderr = stderr
            self.status = status
            self.seconds = seconds
            self.concurrent = concurrent
        }
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var calls: [[String]] = []
    private var problems: [String] = []
    private var workingDirectories: [String?] = []
    private let normalize: @Sendable ([String]) -> [String]

    /// `normalize` rewrites each argv before it is compared (e.g. a random container name to a fixed one).
    public init(_ steps: [Step], normalize: @escaping @Sendable ([String]) -> [String] = { $0 }) {
        self.steps = steps
        self.normalize = normalize
    }

    /// Every argv run so far, in order (normalized).
    public var ran: [[String]] { lock.withLock { calls } }

    /// The most commands that were running at the same time.
    public var mostAtOnce: Int { lock.withLock { peak } }
    private var running = 0
    private var peak = 0

    /// The working directory of every command run so far, in order.
    public var directories: [String?] { lock.withLock { workingDirectories } }

    /// Problems found: unexpected calls and steps never run.
    public func verify() -> [String] {
        lock.withLock { problems + steps.map { "expected but not run: \(ShellQuote.join($0.argv))" } }
    }

    public func run(_ command: ProcessCommand, onLine: @escaping @Sendable (LogStream, String) -> Void) async throws -> CommandResult {
        let argv = normalize(command.argv)
        let step: Step? = lock.withLock {
            calls.append(argv)
            workingDirectories.append(command.directory)
            // The next step, or any of the run of concurrent steps at the front.
            let candidates = steps.first?.concurrent == true ? steps.prefix { $0.concurrent }.indices : steps.prefix(1).indices
            guard let index = candidates.first(where: { steps[$0].argv == argv }) else {
                problems.append("unexpected: \(ShellQuote.join(argv))"
                                + (steps.first.map { " (expected \(ShellQuote.join($0.argv)))" } ?? ""))
                return nil
            }
            return steps.remove(at: index)
        }
        guard let step else { return CommandResult(status: 127) }
        lock.withLock {
            running += 1
            peak = max(peak, running)
        }
        defer { lock.withLock { running -= 1 } }
        for line in step.stdout { onLine(.stdout, line) }
        for line in step.stderr { onLine(.stderr, line) }
        if step.seconds > 0 {
            let limit = min(step.seconds, command.timeout ?? .infinity)
            try await Task.sleep(for: .milliseconds(Int(limit * 1000)))
            if let timeout = command.timeout, step.seconds > timeout {
                return CommandResult(status: 137, timedOut: true, seconds: timeout)
            }
        }
        return CommandResult(status: step.status, seconds: step.seconds)
    }
}
