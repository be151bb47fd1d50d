import Foundation
import XCTest
@testable import GantryPipeline

/// Deterministic mutations of every example: parsing never crashes, and every failure points at
/// a real position (line and column at least 1, line within the file).
final class MutationTests: XCTestCase {
    static let examples = ["rolling.yaml", "blue-green.yaml", "canary.yaml"]

    func testMutatedExamplesNeverCrashAndAlwaysCarryPositions() throws {
        var total = 0, failures = 0
        for name in Self.examples {
            let original = try TestPaths.example(name)
            let mutants = Self.mutations(of: original)
            XCTAssertGreaterThan(mutants.count, 250, name)
            for (label, text) in mutants {
                total += 1
                let diagnostics = PipelineLoader.check(yaml: text, file: name)
                if !diagnostics.errors.isEmpty { failures += 1 }
                let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
                for error in diagnostics.errors {
                    XCTAssertGreaterThanOrEqual(error.line, 1, "\(name) \(label): \(error)")
                    XCTAssertGreaterThanOrEqual(error.column, 1, "\(name) \(label): \(error)")
                    XCTAssertLessThanOrEqual(error.line, lineCount + 1, "\(name) \(label): \(error)")
                    XCTAssertFalse(error.message.isEmpty, "\(name) \(label)")
                }
            }
        }
        XCTAssertGreaterThan(total, 900)
        XCTAssertGreaterThan(failures, total / 4, "the mutations should break many files")
    }

    /// A few hundred deterministic mutations of `text`, each with a label for failure messages.
    static func mutations(of text: String) -> [(String, String)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let bytes = Array(text.utf8)
        var result: [(String, String)] = []
        func joined(_ lines: [String]) -> String { lines.joined(separator: "\n") }
        for index in lines.indices {
            var deleted = lines
            deleted.remove(at: index)
            result.append(("delete line \(index + 1)", joined(deleted)))
            var duplicated = lines
            duplicated.insert(lines[index], at: index)
            result.append(("duplicate line \(index + 1)", joined(duplicated)))
        }
        for offset in stride(from: 0, to: bytes.count - 1, by: 11) {
            var swapped = bytes
            swapped.swapAt(offset, offset + 1)
            result.append(("swap bytes at \(offset)", String(decoding: swapped, as: UTF8.self)))
        }
        for length in stride(from: 0, to: bytes.count, by: 17) {
            result.append(("truncate at \(length)", String(decoding: bytes[..<length], as: UTF8.self)))
        }
        let inserts: [(String, [UInt8])] = [("tab", [0x09]), ("colon", [0x3A]), ("bracket", [0x5B]),
                                            ("brace", [0x7D]), ("quote", [0x22]), ("dash", [0x2D, 0x20])]
        for (step, offset) in stride(from: 0, to: bytes.count, by: 23).enumerated() {
            let (label, insert) = inserts[step % inserts.count]
            var mutated = bytes
            mutated.insert(contentsOf: insert, at: offset)
            result.append(("insert \(label) at \(offset)", String(decoding: mutated, as: UTF8.self)))
        }
        return result
    }
}
