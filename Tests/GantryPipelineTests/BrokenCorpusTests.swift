import Foundation
import XCTest
@testable import GantryPipeline

/// Every `Fixtures/broken/NAME.yaml` must fail with exactly the lines in `NAME.expected`.
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter BrokenCorpusTests` (then review the diff).
final class BrokenCorpusTests: XCTestCase {
    private var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    private func cases() throws -> [URL] {
        let directory = try XCTUnwrap(TestPaths.brokenBundle, "Fixtures/broken is missing from the test bundle")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testCorpusIsLargeEnough() throws {
        XCTAssertGreaterThanOrEqual(try cases().count, 25)
    }

    func testEveryBrokenFileFailsWithItsExpectedDiagnostics() throws {
        for url in try cases() {
            let name = url.lastPathComponent
            let yaml = try String(contentsOf: url, encoding: .utf8)
            let actual = PipelineLoader.check(yaml: yaml, file: name)
            XCTAssertFalse(actual.errors.isEmpty, "\(name) should not validate")
            let text = actual.description + "\n"
            let expectedURL = url.deletingPathExtension().appendingPathExtension("expected")
            if recording {
                let target = TestPaths.brokenSource.appendingPathComponent(expectedURL.lastPathComponent)
                try text.write(to: target, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            XCTAssertEqual(text, expected, "diagnostics for \(name) differ")
        }
    }

    func testEveryErrorHasAPositionAndTheFileName() throws {
        for url in try cases() {
            let yaml = try String(contentsOf: url, encoding: .utf8)
            for error in PipelineLoader.check(yaml: yaml, file: url.lastPathComponent).errors {
                XCTAssertGreaterThanOrEqual(error.line, 1)
                XCTAssertGreaterThanOrEqual(error.column, 1)
                XCTAssertEqual(error.file, url.lastPathComponent)
                XCTAssertTrue(error.description.hasPrefix("\(error.file):\(error.line):\(error.column): error: "))
            }
        }
    }
}
