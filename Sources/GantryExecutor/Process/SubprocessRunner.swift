import Foundation
import GantryCore
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The real process runner (swiftlang/swift-subprocess): argument arrays only, each command
/// in its own session so a timeout or a cancellation kills its whole process group.
public struct SubprocessRunner: ProcessRunner {
    /// Longest line passed on; longer lines are cut with a marker.
    public let maximumLineLength: Int
    /// Seconds between SIGTERM and SIGKILL when a command is stopped.
    public let gracePeriod: Double

    public init(maximumLineLength: Int = 16 * 1024, gracePeriod: Double = 2) {
        self.maximumLineLength = maximumLineLength
        self.gracePeriod = gracePeriod
    }

    public func run(_ command: ProcessCommand, onLine: @escaping @Sendable (LogStream, String) -> Void) async throws -> CommandResult {
        guard let program = command.argv.first, !program.isEmpty else {
            throw CommandError.launchFailed("", "the command is empty")
        }
        guard let resolved = Self.resolve(program, path: ProcessInfo.processInfo.environment["PATH"] ?? "",
                                          directory: command.directory) else {
            throw CommandError.notFound(program)
        }
        let grace = gracePeriod
        let variables = command.environment
        let directory = command.directory.map { FilePath($0) }
        let argv = Array(command.argv.dropFirst())
        let limit = maximumLineLength
        let start = ContinuousClock.now
        let seconds = { () -> Double in
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }

        let leader = LeaderBox()
        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                var options = PlatformOptions()
                options.createSession = true
                options.teardownSequence = [
                    .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .milliseconds(Int(grace * 1000))),
                ]
                var changes: [Environment.Key: String?] = [:]
                for (name, value) in variables { changes[Environment.Key(stringLiteral: name)] = value }
                let environment = Environment.inherit.updating(changes)
                let arguments = Arguments(argv)
                let result = try await Subprocess.run(
                    .path(FilePath(resolved)), arguments: arguments, environment: environment,
                    workingDirectory: directory, platformOptions: options, input: .none, output: .sequence, error: .sequence
                ) { execution in
                    leader.set(execution.processIdentifier.value)
                    return try await withThrowingTaskGroup(of: Void.self) { streams in
                        streams.addTask { try await Self.pump(execution.standardOutput, .stdout, limit, onLine) }
                        streams.addTask { try await Self.pump(execution.standardError, .stderr, limit, onLine) }
                        try await streams.waitForAll()
                    }
                }
                return .finished(result.terminationStatus)
            }
            if let timeout = command.timeout {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                    return .timedOut
                }
            }
            guard let first = try await group.next() else { return .timedOut }
            group.cancelAll()
            if case .timedOut = first {
                // Wait for the process task to finish its teardown (it throws on cancellation).
                while true {
                    do {
                        guard try await group.next() != nil else { break }
                    } catch {
                        continue
                    }
                }
            }
            return first
            }
        } catch {
            // Cancelled (a rollback, a cancel, Ctrl-C): nothing of the command may outlive it.
            await Self.endGroup(leader.value, grace: grace)
            throw error
        }
        if case .timedOut = outcome { await Self.endGroup(leader.value, grace: grace) }
        switch outcome {
        case .finished(.exited(let code)):
            return CommandResult(status: code, seconds: seconds())
        case .finished(.signaled(let signal)):
            return CommandResult(status: 128 + signal, seconds: seconds())
        case .timedOut:
            return CommandResult(status: 128 + SIGKILL, timedOut: true, seconds: seconds())
        }
    }

    /// Ends what is left of a stopped command's process group, whatever its leader did: the
    /// teardown TERMs the group and waits for the leader only, so a child that ignores TERM (or
    /// whose leader died at once) would live on. TERM the group again, wait up to `grace`, then
    /// KILL it. Runs in a detached task: the caller may be cancelled.
    static func endGroup(_ pid: pid_t?, grace: Double) async {
        guard let pid, pid > 1 else { return }
        await Task.detached {
            guard kill(-pid, 0) == 0 else { return }
            kill(-pid, SIGTERM)
            let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
            while kill(-pid, 0) == 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if kill(-pid, 0) == 0 { kill(-pid, SIGKILL) }
        }.value
    }

    private enum Outcome: Sendable {
        case finished(TerminationStatus)
        case timedOut
    }

    private static func pump(_ sequence: SubprocessOutputSequence, _ stream: LogStream, _ limit: Int,
                             _ onLine: @Sendable (LogStream, String) -> Void) async throws {
        var splitter = LineSplitter(maximumLength: limit)
        for try await buffer in sequence {
            let lines = buffer.withUnsafeBytes { splitter.feed($0) }
            for line in lines { onLine(stream, line) }
        }
        if let last = splitter.finish() { onLine(stream, last) }
    }

    /// The executable for `program`: itself when it has a slash, else the first match on `path`.
    static func resolve(_ program: String, path: String, directory: String? = nil) -> String? {
        if program.contains("/") {
            // A relative path (`./scripts/smoke`) is relative to the directory the command runs in.
            let full = program.hasPrefix("/") || directory == nil ? program : directory! + "/" + program
            return FileManager.default.isExecutableFile(atPath: full) ? full : nil
        }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The pid of a command's process (its session and group leader), once it started.
private final class LeaderBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?
    var value: pid_t? { lock.withLock { pid } }
    func set(_ value: pid_t) { lock.withLock { pid = value } }
}
