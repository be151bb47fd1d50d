import Foundation

/// A long-running child process whose output is collected as it arrives; stopped by its PID.
final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = ""
    private var errors = ""

    init(_ path: String, _ arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
    }

    var pid: Int32 { process.processIdentifier }

    func start() throws {
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.withLock { self.output += String(decoding: d, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.withLock { self.errors += String(decoding: d, as: UTF8.self) }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { output } }
    var stderr: String { lock.withLock { errors } }

    /// Waits until stdout contains `text`.
    func waitForOutput(_ text: String, seconds: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return stdout.contains(text)
    }

    /// Sends a signal to the child by PID and waits for it to exit; returns its status (nil if it did not exit).
    func stop(signal: Int32 = SIGTERM, seconds: Double = 10) async -> Int32? {
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            return nil
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
        return process.terminationStatus
    }
}
