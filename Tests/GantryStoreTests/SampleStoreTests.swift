import Foundation
import GantryCore
import GRDB
import XCTest
@testable import GantryStore

/// Live samples: in their own file beside the log, bounded per environment and metric, read back
/// oldest first.
final class SampleStoreTests: XCTestCase {
    func testSamplesAreKeptApartAndBounded() throws {
        let directory = NSTemporaryDirectory() + "gantry-samples-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = SQLiteSampleStore.path(forEvents: directory + "/events.sqlite")
        XCTAssertEqual(path, directory + "/events.samples.sqlite")
        let store = try SQLiteSampleStore(path: path, keep: 50)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for batch in 0..<8 {
            try store.record((0..<10).flatMap { index -> [LiveSample] in
                let time = start.addingTimeInterval(Double(batch * 10 + index))
                return [LiveSample(environment: "staging", metric: "error-rate", time: time, value: Double(batch * 10 + index)),
                        LiveSample(environment: "production", metric: "error-rate", time: time, value: 1)]
            })
        }
        let recent = try store.recent(limit: 1000)
        XCTAssertEqual(recent.samples("staging", "error-rate").count, 50, "the oldest beyond 50 are dropped")
        XCTAssertEqual(recent.samples("staging", "error-rate").map(\.value), (30..<80).map(Double.init), "oldest first")
        XCTAssertEqual(recent.samples("production", "error-rate").count, 50)
        XCTAssertEqual(try store.recent(limit: 5).samples("staging", "error-rate").map(\.value), [75, 76, 77, 78, 79])
        // The file holds no more than that.
        let rows = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM samples") }
        XCTAssertEqual(rows, 100)
        // A reader on the same file sees them; the series takes the plan's thresholds.
        let reader = try SQLiteSampleStore(path: path, readOnly: true)
        let series = try reader.recent(limit: 10).series("staging", plan: MetricPlan(name: "error-rate", warn: 70, critical: 78, unit: .count))
        XCTAssertEqual(series.latest, 79)
        XCTAssertEqual(series.level, .critical)
        XCTAssertEqual(series.unit, .count)
        XCTAssertNil(try reader.recent(limit: 10).pods("staging"))
    }
}
