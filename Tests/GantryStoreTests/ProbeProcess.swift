import Foundation
import XCTest

/// A running `gantry-probe` child process whose output lines are collected as they arrive.
final class ProbeProcess: @unchecked Sendable {
    /// The probe binary, built by SwiftPM into the same products directory as this test bundle.
    static let executable: URL? = {
        let here = URL(fileURLWithPath: #filePath)
        let packageRoot = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directories = [Bundle.main.bundleURL,
                           URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [packageRoot.appendingPathComponent(".build/debug")]
        return directories.map { $0.appendingPathComponent("gantry-probe") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var errorText = ""
    private var openStreams = 2

    /// Starts `gantry-probe ARGUMENTS`.
    init(_ arguments: [String]) throws {
        let executable = try XCTUnwrap(Self.executable, "gantry-probe is not built next to the tests; run `swift build` first")
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        startReading(output.fileHandleForReading) { [self] text in
            lines.append(contentsOf: text.split(separator: "\n").map(String.init))
        }
        startReading(errors.fileHandleForReading) { [self] text in errorText += text }
    }

    var pid: Int32 { process.processIdentifier }

    /// Every complete line printed so far.
    var output: [String] { condition.withLock { lines } }

    /// What the probe printed on stderr.
    var errorOutput: String { condition.withLock { errorText } }

    /// The sequence numbers the probe acknowledged (`ack SEQ VERSION` lines).
    var acks: [Int64] { output.compactMap { $0.hasPrefix("ack ") ? Int64($0.split(separator: " ")[1]) : nil } }

    /// Waits until the output satisfies `condition`; false on timeout.
    @discardableResult
    func waitForOutput(timeout: Double = 20, until satisfied: ([String]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !satisfied(lines) {
            if openStreams == 0 || !condition.wait(until: deadline) { return satisfied(lines) }
        }
        return true
    }

    /// Kills the probe with SIGKILL, as a crash or `kill -9` would.
    func kill() { _ = Foundation.kill(pid, SIGKILL) }

    /// Waits for the probe to exit and its output to be read; returns its status, nil on timeout.
    func waitForExit(timeout: Double = 60) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        while openStreams > 0 {
            guard condition.wait(until: deadline) else {
                condition.unlock()
                kill()
                return nil
            }
        }
        condition.unlock()
        while process.isRunning {
            guard Date() < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return process.terminationStatus
    }

    // MARK: - Reading

    /// Reads a pipe on its own thread with blocking reads, handing over whole lines.
    private func startReading(_ handle: FileHandle, _ consume: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                guard let newline = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                let complete = pending[pending.startIndex...newline]
                pending = Data(pending[(newline + 1)...])
                condition.withLock { consume(String(decoding: complete, as: UTF8.self)) }
                condition.broadcast()
            }
            if !pending.isEmpty { condition.withLock { consume(String(decoding: pending, as: UTF8.self)) } }
            condition.withLock { openStreams -= 1 }
            condition.broadcast()
        }
        thread.start()
    }
}

/// Percentiles of latencies in milliseconds, for the reports the process tests print.
struct LatencySummary: CustomStringConvertible {
    let sorted: [Double]

    init(_ milliseconds: [Double]) { sorted = milliseconds.sorted() }

    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    var description: String {
        String(format: "n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms", sorted.count,
               percentile(0.5), percentile(0.95), sorted.last ?? 0)
    }
}
