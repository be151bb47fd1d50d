import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// Several processes on one store file, with the `gantry-probe` helper as the other process.
final class CrossProcessTests: XCTestCase {
    let directory = TemporaryDirectory("processes")

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    // MARK: - Live subscription across processes

    /// Another process appends; this process sees every event via `subscribe`, in order.
    func testThisProcessSeesAnotherProcessAppend() async throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        let stream = store.subscribe(after: 0)
        let probe = try ProbeProcess(["append", "--store", path, "--count", "100", "--interval-ms", "10",
                                      "--deploy", "remote", "--actor", "executor"])
        var seen: [Event] = []
        var latencies: [Double] = []
        let consumer = Task { [stream] () -> ([Event], [Double]) in
            var events: [Event] = []
            var latencies: [Double] = []
            for try await event in stream {
                latencies.append(Date().timeIntervalSince(event.time) * 1000)
                events.append(event)
                if events.count == 100 { break }
            }
            return (events, latencies)
        }
        let watchdog = Task {
            try await Task.sleep(nanoseconds: 60_000_000_000)
            consumer.cancel()
        }
        (seen, latencies) = try await consumer.value
        watchdog.cancel()
        XCTAssertEqual(probe.waitForExit(), 0, probe.errorOutput)
        XCTAssertEqual(seen.map(\.seq), Array(1...100))
        XCTAssertEqual(seen.map(\.streamVersion), Array(1...100))
        XCTAssertEqual(seen.map(\.actor), Array(repeating: "executor", count: 100))
        XCTAssertEqual(probe.acks, Array(1...100))
        let summary = LatencySummary(latencies)
        print("cross-process latency, probe append -> test subscribe: \(summary)")
        XCTAssertLessThan(summary.percentile(0.95), 500, "far beyond the 100 ms target: \(summary)")
    }

    /// One probe appends decisions, another follows with `subscribe`; neither is this process.
    func testOneProbeSeesAnotherProbeAppend() throws {
        let path = directory.path("events.sqlite")
        _ = try SQLiteEventStore(path: path)
        let tail = try ProbeProcess(["tail", "--store", path, "--after", "0", "--count", "50", "--timeout", "60"])
        XCTAssertTrue(tail.waitForOutput { $0.contains("subscribed") }, tail.errorOutput)
        let append = try ProbeProcess(["append", "--store", path, "--count", "50", "--interval-ms", "5", "--decisions"])
        XCTAssertEqual(append.waitForExit(), 0, append.errorOutput)
        XCTAssertEqual(tail.waitForExit(), 0, tail.errorOutput)
        let seen = tail.output.filter { $0.hasPrefix("seen ") }.map { $0.split(separator: " ") }
        XCTAssertEqual(seen.compactMap { Int64($0[1]) }, Array(1...50))
        let summary = LatencySummary(seen.compactMap { Double($0[2]) })
        print("cross-process latency, probe append -> probe subscribe: \(summary)")
        XCTAssertLessThan(summary.percentile(0.95), 500, "far beyond the 100 ms target: \(summary)")
    }

    // MARK: - Concurrent writers

    /// Four processes start appending at the same moment, two of them racing on one deploy with `.exact`:
    /// nothing is lost or duplicated, and the shared stream's versions have no gaps.
    func testProcessesAppendingAtOnceLoseNothing() throws {
        let path = directory.path("events.sqlite")
        let store = try SQLiteEventStore(path: path)
        let start = ["--start-at", String(Date().timeIntervalSince1970 + 1)]
        let probes = try [
            ProbeProcess(["append", "--store", path, "--count", "300", "--exact", "--deploy", "shared", "--actor", "a"] + start),
            ProbeProcess(["append", "--store", path, "--count", "300", "--exact", "--deploy", "shared", "--actor", "b"] + start),
            ProbeProcess(["append", "--store", path, "--count", "1000", "--batch", "7", "--deploy", "own-c"] + start),
            ProbeProcess(["append", "--store", path, "--count", "300", "--batch", "3", "--decisions", "--deploy", "own-d"] + start),
        ]
        for probe in probes { XCTAssertEqual(probe.waitForExit(), 0, probe.errorOutput) }
        let acks = probes.flatMap(\.acks)
        XCTAssertEqual(acks.count, 1900)
        XCTAssertEqual(acks.sorted(), Array(1...1900), "every acknowledged seq is unique and there are no gaps")
        XCTAssertEqual(try store.lastSeq(), 1900)
        XCTAssertEqual(try store.readStream(DeployID("shared")).map(\.streamVersion), Array(1...600))
        XCTAssertEqual(try store.readStream(DeployID("own-c")).map(\.streamVersion), Array(1...1000))
        XCTAssertEqual(try store.readStream(DeployID("own-d")).map(\.streamVersion), Array(1...300))
        let conflicts = probes.prefix(2).compactMap { $0.output.last }
        print("optimistic writers in two processes: \(conflicts)")
    }

    // MARK: - Crash safety

    /// A probe appending in a loop is killed with SIGKILL at a random moment, twenty times over:
    /// every acknowledged event is there after reopening, and the store always opens cleanly.
    func testEveryAcknowledgedEventSurvivesSIGKILL() throws {
        let path = directory.path("events.sqlite")
        _ = try SQLiteEventStore(path: path)
        var acknowledged: [Int64] = []
        for round in 0..<20 {
            let decisions = round % 2 == 0
            let arguments = ["append", "--store", path, "--count", "0", "--deploy", "crash",
                             "--batch", decisions ? "\(1 + round % 3)" : "50"] + (decisions ? ["--decisions"] : [])
            let probe = try ProbeProcess(arguments)
            let killAfter = Int.random(in: 1...60)
            XCTAssertTrue(probe.waitForOutput { $0.count >= killAfter }, "round \(round): \(probe.errorOutput)")
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.02))
            probe.kill()
            XCTAssertNotNil(probe.waitForExit(timeout: 20), "round \(round): the probe did not die")
            let acks = probe.acks
            XCTAssertFalse(acks.isEmpty)
            acknowledged += acks

            let store = try SQLiteEventStore(path: path)
            let last = try store.lastSeq()
            XCTAssertGreaterThanOrEqual(last, acks.max() ?? 0, "round \(round): acknowledged events lost")
            var seqs: [Int64] = []
            try store.forEach(after: 0) { seqs.append($0.seq) }
            XCTAssertEqual(seqs, Array(1...last).map { $0 }, "round \(round): the log has gaps")
            XCTAssertEqual(try store.readStream(DeployID("crash")).map(\.streamVersion), Array(1...last))
            store.close()
        }
        XCTAssertEqual(Set(acknowledged).count, acknowledged.count, "no seq was acknowledged twice")
        print("SIGKILL test: 20 kills, \(acknowledged.count) acknowledged events, all present")
    }
}
