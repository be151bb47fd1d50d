import Foundation

/// A fresh directory under the system's temporary directory, made on first use and removed by
/// `remove()`.
///
/// XCTest makes a test case object for every test of a class, also those a `--filter` leaves
/// out, whose `tearDown` never runs: a directory made at `init` leaked for each of them.
final class TemporaryDirectory: @unchecked Sendable {
    private let location: URL

    init(_ label: String = "store") {
        location = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-\(label)-\(UUID().uuidString.prefix(8))")
    }

    /// The directory (made now if it is not there yet).
    var url: URL {
        try? FileManager.default.createDirectory(at: location, withIntermediateDirectories: true)
        return location
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() {
        let url = location
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
