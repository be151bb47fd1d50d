import Foundation
import GantryExecutor

/// Output captured from the real tools (kubectl 1.32 against `gantry sim`, the docker CLI 28.2
/// against podman 4.3), kept beside the tests.
enum FixtureText {
    /// The fixture's lines as the real runner delivers them (through `LineSplitter`).
    static func lines(_ name: String) throws -> [String] {
        var splitter = LineSplitter()
        let bytes = Array(try text(name).utf8)
        return splitter.feed(bytes) + (splitter.finish().map { [$0] } ?? [])
    }

    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
