import Foundation

/// Runs the package's own built executables (`gantry`, `gantry-probe`) from tests.
public enum BuiltBinary {
    /// What a finished process left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The path of the built product `name`, beside the running test bundle.
    public static func path(_ name: String) -> String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs `name` with `arguments` to completion; fails loudly if the binary was not built.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil) throws -> Result {
        try runPath(path(name), arguments, environment: environment, directory: directory)
    }

    /// Runs the program at `executable` with `arguments` to completion.
    public static func runPath(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                               directory: String? = nil) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BinaryMissing(path: executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// The product was not built: run `swift build` first (the README's test command does).
    public struct BinaryMissing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path) is missing: run `swift build` before `swift test`" }
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) { lock.withLock { data = value; done = true } }
    var isSet: Bool { lock.withLock { done } }
    var value: Data { lock.withLock { data } }
}
