import Foundation
@testable import GantryPipeline

/// Where the test inputs live.
enum TestPaths {
    /// The repository's `examples/` directory (found from this source file).
    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
    }

    /// The source directory of the broken corpus, for re-recording expectations.
    static var brokenSource: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/broken")
    }

    /// The broken corpus as copied into the test bundle.
    static var brokenBundle: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("broken")
    }

    static func example(_ name: String) throws -> String {
        try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }
}
