import Glibc
import Synchronization
import CNcursesw

/// The signal that asked the console to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT), 0 when none.
private let pendingSignal = Atomic<Int32>(0)
/// Set by SIGWINCH.
private let resizePending = Atomic<Bool>(false)
/// Whether `savedTermios` holds the mode from before the console started.
private let termiosSaved = Atomic<Bool>(false)
/// The terminal mode before the console started (written once, before any handler is installed).
nonisolated(unsafe) private var savedTermios = termios()

/// The write end of the self-pipe that wakes the input loop (-1 before install).
private let wakeFD = Atomic<Int32>(-1)

/// Signal handling for the console. Install before `newterm`: a stop signal only sets an
/// atomic flag and wakes the loop (which restores the terminal and exits); a crash signal
/// restores the terminal from the handler itself, then dies with the default action.
public enum TerminalSignals {
    nonisolated(unsafe) private static var pipeFDs: [Int32] = [-1, -1]

    /// Installs the handlers and the wake pipe. Returns the pipe's read end.
    public static func install() -> Int32 {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            pipeFDs = fds
            wakeFD.store(fds[1], ordering: .sequentiallyConsistent)
        }
        if isatty(0) != 0, tcgetattr(0, &savedTermios) == 0 { termiosSaved.store(true, ordering: .sequentiallyConsistent) }
        // SIGQUIT (Ctrl-\\) stops the console like Ctrl-C: no runtime backtrace over the screen.
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            setHandler(signal, flags: 0) { number in
                pendingSignal.store(number, ordering: .sequentiallyConsistent)
                TerminalSignals.poke()
            }
        }
        setHandler(SIGWINCH, flags: SA_RESTART) { _ in
            resizePending.store(true, ordering: .sequentiallyConsistent)
            TerminalSignals.poke()
        }
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT] {
            setHandler(signal, flags: Int32(truncatingIfNeeded: SA_RESETHAND)) { number in
                gantry_emergency_restore(&savedTermios, termiosSaved.load(ordering: .relaxed) ? 1 : 0)
                gantry_crash_line(number)
                _ = raise(number)
            }
        }
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
        return fds[0]
    }

    private static func setHandler(_ signal: Int32, flags: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = flags
        _ = sigaction(signal, &action, nil)
    }

    /// Wakes the input loop (async-signal-safe; callable from any thread).
    public static func poke() {
        let fd = wakeFD.load(ordering: .sequentiallyConsistent)
        guard fd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    /// The stop signal received, if any.
    public static var stopSignal: Int32 { pendingSignal.load(ordering: .sequentiallyConsistent) }

    /// Whether a resize arrived since the last call (clears it).
    public static func takeResize() -> Bool { resizePending.exchange(false, ordering: .sequentiallyConsistent) }

    /// Puts the terminal mode from before the console back.
    public static func restoreMode() {
        if termiosSaved.load(ordering: .sequentiallyConsistent) { _ = tcsetattr(0, TCSANOW, &savedTermios) }
    }

    /// Drains the wake pipe.
    static func drain(_ fd: Int32) {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(fd, &bytes, bytes.count) > 0 {}
    }
}
