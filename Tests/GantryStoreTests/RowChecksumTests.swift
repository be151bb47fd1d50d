import GantryCore
@testable import GantryStore
import XCTest

/// The store's fast row checksum is plain CRC-32 (IEEE), the same as `GantryCore.CRC32`.
final class RowChecksumTests: XCTestCase {
    func testMatchesCRC32ForEveryLengthAndSeed() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let seed = UInt32.random(in: 0...UInt32.max, using: &generator)
            bytes.withUnsafeBytes { buffer in
                XCTAssertEqual(RowChecksum.checksum(buffer), CRC32.checksum(buffer), "length \(length)")
                XCTAssertEqual(RowChecksum.checksum(buffer, seed: seed), CRC32.checksum(buffer, seed: seed))
            }
        }
    }

    func testKnownValue() {
        // The standard check value of CRC-32/ISO-HDLC.
        Array("123456789".utf8).withUnsafeBytes { XCTAssertEqual(RowChecksum.checksum($0), 0xCBF4_3926) }
    }
}
