import Foundation
import GantryConsole
import GantryStore
import XCTest

/// The sample deploys written to a real store (what the end-to-end tests and screenshots start from).
/// `GANTRY_SEED_STORE=PATH GANTRY_SEED_PHASE=canary` keeps such a store for manual runs and measurements.
final class SeedTests: XCTestCase {
    func testEveryPhaseSeedsAStoreThatFoldsToTheSampleState() throws {
        for phase in SampleDeploys.Phase.allCases {
            let path = NSTemporaryDirectory() + "gantry-seed-\(UUID().uuidString).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = try SQLiteEventStore(path: path)
            _ = try store.append(SampleDeploys.events(phase), expected: .any)
            XCTAssertEqual(try store.lastSeq(), Int64(SampleDeploys.events(phase).count))
            store.close()
        }
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["GANTRY_SEED_STORE"] {
            let phase = SampleDeploys.Phase(rawValue: environment["GANTRY_SEED_PHASE"] ?? "canary") ?? .canary
            let store = try SQLiteEventStore(path: path)
            _ = try store.append(SampleDeploys.events(phase, start: SampleDeploys.start(phase, endingAt: Date())), expected: .any)
            store.close()
        }
    }
}
