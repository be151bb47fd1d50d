import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program running on a pseudo-terminal of a given size, with a thread that reads everything
/// it writes (so it never blocks on a full pty), counts the bytes, and notes when an expected
/// byte string appears.
final class PseudoTerminal: @unchecked Sendable {
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    private let master: Int32
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var total = 0
    private var lastByteAt: UInt64 = 0
    private var marker: [UInt8] = []
    private var window: [UInt8] = []
    private var matchedAt: UInt64?
    private var capture: [UInt8]?
    private var closed = false

    /// Starts `executable` with `arguments` in its own session on a new pty of `columns` x `rows`,
    /// with `environment` added to this process's environment.
    init(executable: String, arguments: [String], columns: Int, rows: Int,
         environment: [String: String]) throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw SpawnError(description: "openpty: \(String(cString: strerror(errno)))")
        }
        guard let name = ttyname(slave) else {
            throw SpawnError(description: "ttyname: \(String(cString: strerror(errno)))")
        }
        let slaveName = String(cString: name)
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { close(slave) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, so the pty becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(0x80))  // POSIX_SPAWN_SETSID

        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        self.master = master
        let thread = Thread { [self] in readLoop() }
        thread.name = "bench.pty-reader"
        thread.start()
    }

    // MARK: - Reading

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(master, &buffer, buffer.count)
            let now = DispatchTime.now().uptimeNanoseconds
            if count < 0 && errno == EINTR { continue }
            condition.lock()
            if count <= 0 {
                closed = true
                condition.broadcast()
                condition.unlock()
                return
            }
            total += count
            lastByteAt = now
            capture?.append(contentsOf: buffer[0..<count])
            if !marker.isEmpty, matchedAt == nil {
                window.append(contentsOf: buffer[0..<count])
                if Self.contains(window, marker) {
                    matchedAt = now
                    condition.broadcast()
                } else if window.count > marker.count {
                    window.removeFirst(window.count - marker.count + 1)
                }
            }
            condition.unlock()
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// Every byte the program wrote so far.
    var bytesWritten: Int {
        condition.lock()
        defer { condition.unlock() }
        return total
    }

    /// Whether the program closed the terminal (exited).
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// Sends `input` and returns the seconds until `marker` appeared in the output after it,
    /// or nil when it did not within `timeout` seconds.
    func timeInput(_ input: [UInt8], until marker: String, timeout: Double) -> Double? {
        condition.lock()
        self.marker = Array(marker.utf8)
        window = []
        matchedAt = nil
        condition.unlock()
        let start = DispatchTime.now().uptimeNanoseconds
        send(input)
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer {
            self.marker = []
            condition.unlock()
        }
        while matchedAt == nil && !closed {
            if !condition.wait(until: deadline) { break }
        }
        return matchedAt.map { Double($0 - start) / 1e9 }
    }

    /// Waits until `marker` appears in what the program writes from now on.
    func waitFor(_ marker: String, timeout: Double) -> Bool {
        timeInput([], until: marker, timeout: timeout) != nil
    }

    /// Waits until the program writes something (true) or `timeout` seconds pass (false).
    func waitForBytes(timeout: Double) -> Bool {
        let before = bytesWritten
        let deadline = Date(timeIntervalSinceNow: timeout)
        while bytesWritten == before {
            if Date() > deadline { return false }
            usleep(1_000)
        }
        return true
    }

    /// Waits until the program has written nothing for `quiet` seconds (at most `timeout`).
    @discardableResult
    func waitForQuiet(_ quiet: Double, timeout: Double) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            condition.lock()
            let last = lastByteAt
            condition.unlock()
            let now = DispatchTime.now().uptimeNanoseconds
            if now > last, Double(now - last) / 1e9 >= quiet { return true }
            usleep(5_000)
        }
        return false
    }

    /// Starts keeping a copy of the output (dropping any earlier copy).
    func startCapture() {
        condition.lock()
        capture = []
        condition.unlock()
    }

    /// The output kept since `startCapture`, and stops keeping it.
    func stopCapture() -> [UInt8] {
        condition.lock()
        defer {
            capture = nil
            condition.unlock()
        }
        return capture ?? []
    }

    /// Writes `bytes` to the program's terminal input.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// CPU seconds (user + system) the program used so far, from /proc/PID/stat.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Asks the program to quit with `quitKeys`, then SIGTERM, then SIGKILL; reaps it, and
    /// closes the terminal once the reader saw its end.
    func stop(quitKeys: [UInt8] = Array("q".utf8)) {
        send(quitKeys)
        reap: for signal in [0, SIGTERM, SIGKILL] {
            if signal != 0 { kill(pid, signal) }
            for _ in 0..<100 {
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid || reaped < 0 { break reap }
                usleep(10_000)
            }
        }
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: 1)
        while !closed, condition.wait(until: deadline) {}
        condition.unlock()
        close(master)
    }
}
