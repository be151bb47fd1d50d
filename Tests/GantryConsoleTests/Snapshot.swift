import Foundation
import GantryConsole
import XCTest

/// Whole-screen text snapshots in Snapshots/, re-recorded with `RECORD_SNAPSHOTS=1`.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func assert(_ buffer: CellBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = directory.appendingPathComponent(name + ".txt")
        let actual = buffer.text + "\n"
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? String(contentsOf: path, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: path, atomically: true, encoding: .utf8)
            if !record { XCTFail("snapshot \(name) was missing; recorded it: check and commit \(path.path)", file: file, line: line) }
            return
        }
        if actual != expected {
            XCTFail("screen differs from snapshot \(name) (RECORD_SNAPSHOTS=1 re-records):\n--- expected\n\(expected)--- actual\n\(actual)",
                    file: file, line: line)
        }
    }
}

extension TerminalSize {
    static let small = TerminalSize(columns: 80, rows: 24)
    static let medium = TerminalSize(columns: 120, rows: 40)
    static let large = TerminalSize(columns: 200, rows: 60)
    static let all: [TerminalSize] = [.small, .medium, .large]
}
