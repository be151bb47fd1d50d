import Foundation
import GantryCore

/// Applies manifests to a cluster with `kubectl apply` (used by `gantry demo` to lay out its
/// demo applications), through the same process runner as every other command.
public enum ClusterSetup {
    /// Writes `manifest` to a file in `directory` and applies it in `context`; throws with kubectl's message on failure.
    public static func apply(_ manifest: String, context: String, directory: String,
                             runner: any ProcessRunner = SubprocessRunner()) async throws {
        let path = (directory as NSString).appendingPathComponent("manifest-\(context)-\(UUID().uuidString.prefix(8)).yaml")
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let errors = LineBox(keep: 20)
        let result = try await runner.run(ProcessCommand(["kubectl", "--context", context, "apply", "-f", path], timeout: 60)) { stream, line in
            if stream == .stderr { errors.append(line) }
        }
        guard result.succeeded else {
            throw ExecutorError.refused("kubectl apply in \(context) failed: \(errors.lines.joined(separator: " "))")
        }
    }
}
