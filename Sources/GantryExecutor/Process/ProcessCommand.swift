import GantryCore

/// One command to run: an argument array, never a shell line.
public struct ProcessCommand: Sendable, Equatable, CustomStringConvertible {
    /// The program and its arguments; `argv[0]` is looked up on PATH.
    public var argv: [String]
    /// Variables added to the inherited environment.
    public var environment: [String: String]
    /// Seconds before the whole process group is killed; nil for no limit.
    public var timeout: Double?
    /// The working directory; nil runs it in this process's current directory.
    public var directory: String?

    public init(_ argv: [String], environment: [String: String] = [:], timeout: Double? = nil, directory: String? = nil) {
        self.argv = argv
        self.environment = environment
        self.timeout = timeout
        self.directory = directory
    }

    /// The command as a person would type it (quoted for a POSIX shell), for logs.
    public var description: String { ShellQuote.join(argv) }
}

/// How a command ended.
public struct CommandResult: Sendable, Equatable {
    /// The exit status, or 128 + signal number when killed by a signal.
    public var status: Int32
    /// Whether it was killed because its timeout expired.
    public var timedOut: Bool
    /// Seconds from start to exit.
    public var seconds: Double

    public init(status: Int32, timedOut: Bool = false, seconds: Double = 0) {
        self.status = status
        self.timedOut = timedOut
        self.seconds = seconds
    }

    public var succeeded: Bool { status == 0 && !timedOut }
}

/// Why a command could not run at all.
public enum CommandError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case launchFailed(String, String)

    public var description: String {
        switch self {
        case .notFound(let program): "'\(program)' was not found on PATH; install it or fix PATH"
        case .launchFailed(let program, let detail): "could not start '\(program)': \(detail)"
        }
    }
}

/// The one seam through which every subprocess runs: real in production, scripted in unit tests.
public protocol ProcessRunner: Sendable {
    /// Runs `command`, calling `onLine` for each line of output as it is printed (already split,
    /// bounded in length and UTF-8-repaired). Cancelling the task kills the process group.
    func run(_ command: ProcessCommand, onLine: @escaping @Sendable (LogStream, String) -> Void) async throws -> CommandResult
}

extension ProcessRunner {
    /// Runs `command` and collects its stdout lines (stderr lines are passed to `onStderr`).
    public func collect(_ command: ProcessCommand, onStderr: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> (result: CommandResult, stdout: [String]) {
        let lines = LineBox()
        let result = try await run(command) { stream, line in
            if stream == .stdout { lines.append(line) } else { onStderr(line) }
        }
        return (result, lines.lines)
    }
}

/// A thread-safe line collector that keeps the last `keep` lines (memory stays bounded however
/// much a command prints).
final class LineBox: @unchecked Sendable {
    private let lock = NSLockish()
    private var storage: [String] = []
    private let keep: Int

    init(keep: Int = .max) { self.keep = max(1, keep) }

    func append(_ line: String) {
        lock.locked {
            if storage.count >= keep { storage.removeFirst(storage.count - keep + 1) }
            storage.append(line)
        }
    }

    var lines: [String] { lock.locked { storage } }
}
