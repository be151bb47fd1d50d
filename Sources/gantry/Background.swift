import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts `gantry resume DEPLOY` as a background process in its own session, so the deploy
/// outlives the terminal and the console that asked for it.
enum Background {
    /// Spawns this binary with `arguments`, output appended to `logPath`; returns its pid.
    static func spawn(_ arguments: [String], logPath: String) throws -> pid_t {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other inherited descriptor: a pipe held open by the background executor
        // would keep whoever ran `gantry deploy` waiting for end-of-file.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 0x80; not imported into Swift without _GNU_SOURCE): a session of its own.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw CLIError("could not start the executor in the background: \(String(cString: strerror(status)))")
        }
        return pid
    }
}

/// Turns SIGINT/SIGTERM into a call, once, instead of killing the process.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private static let firedLock = NSLock()
    nonisolated(unsafe) private static var firedFlag = false

    /// Whether SIGINT or SIGTERM arrived while a handler was installed: the command then exits 130.
    static var fired: Bool { firedLock.withLock { firedFlag } }

    init(_ action: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Self.firedLock.withLock { Self.firedFlag = true }
                action()
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
