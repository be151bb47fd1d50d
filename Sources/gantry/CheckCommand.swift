import ArgumentParser
import Foundation
import GantryPipeline

/// `gantry check [FILE]`: validates the pipeline file and says exactly what is wrong.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the pipeline file; every problem is reported as FILE:LINE:COLUMN.")

    @Argument(help: "The pipeline file.")
    var file: String = "gantry.yaml"

    func run() throws {
        let pipeline: PipelineFile
        do {
            pipeline = try PipelineLoader.load(path: file)
        } catch {
            var stderr = StandardError()
            print(error.description, to: &stderr)
            switch error {
            case .invalid(let diagnostics):
                let count = diagnostics.errors.count
                print("\(count) error\(count == 1 ? "" : "s") in \(file)", to: &stderr)
            case .unreadable:
                print("write a pipeline file (see examples/ in the Gantry repository) or pass its path: gantry check PATH",
                      to: &stderr)
            }
            throw ExitCode.failure
        }
        print(Self.summary(pipeline, file: file))
    }

    /// One line per environment and the stage order, for a file that is valid.
    static func summary(_ pipeline: PipelineFile, file: String) -> String {
        var lines = ["\(file): ok — app \(pipeline.app), image \(pipeline.image)"]
        for env in pipeline.environments {
            var line = "  environment \(env.name): \(env.strategy.name) on \(env.kube.context)/\(env.kube.namespace)"
            if env.approvals.required > 0 { line += ", \(env.approvals.required) approval\(env.approvals.required == 1 ? "" : "s")" }
            lines.append(line)
        }
        lines.append("  stages: " + pipeline.stagesInOrder.map(\.id).joined(separator: " → "))
        return lines.joined(separator: "\n")
    }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
