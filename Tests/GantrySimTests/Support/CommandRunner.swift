import Foundation

/// The outcome of running a program.
struct CommandResult: Sendable, CustomStringConvertible {
    let stdout: String
    let stderr: String
    let status: Int32

    var description: String { "rc=\(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs programs without blocking Swift's cooperative threads (Foundation.Process on a Dispatch thread).
enum CommandRunner {
    private final class Box: @unchecked Sendable {
        var data = Data()
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) async -> CommandResult {
        await withCheckedContinuation { (cont: CheckedContinuation<CommandResult, Never>) in
            DispatchQueue.global().async {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: path)
                p.arguments = arguments
                if let environment { p.environment = environment }
                let out = Pipe()
                let err = Pipe()
                p.standardOutput = out
                p.standardError = err
                p.standardInput = FileHandle.nullDevice
                do {
                    try p.run()
                } catch {
                    cont.resume(returning: CommandResult(stdout: "", stderr: "cannot run \(path): \(error)", status: -1))
                    return
                }
                let errBox = Box()
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    errBox.data = err.fileHandleForReading.readDataToEndOfFile()
                    group.leave()
                }
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                p.waitUntilExit()
                cont.resume(returning: CommandResult(stdout: String(decoding: outData, as: UTF8.self),
                                                     stderr: String(decoding: errBox.data, as: UTF8.self),
                                                     status: p.terminationStatus))
            }
        }
    }
}
