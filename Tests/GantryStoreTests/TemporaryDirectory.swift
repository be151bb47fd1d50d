import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init(_ label: String = "store") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() {
        // Undo any chmod a test made, so the tree can be deleted.
        if let paths = FileManager.default.enumerator(atPath: url.path) {
            for case let relative as String in paths {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755],
                                                       ofItemAtPath: url.appendingPathComponent(relative).path)
            }
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        try? FileManager.default.removeItem(at: url)
    }
}
