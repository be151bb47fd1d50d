import GantryConsole
import XCTest

/// When the live loop draws and how long it sleeps (times in nanoseconds; timeouts in ms).
final class FramePacerTests: XCTestCase {
    let ms: UInt64 = 1_000_000

    func testTheFirstFrameIsDrawnAtOnce() {
        let pacer = FramePacer()
        XCTAssertTrue(pacer.shouldDraw(now: 5 * ms, running: false))
        XCTAssertEqual(pacer.timeout(now: 5 * ms, backlog: false, running: false), 0)
    }

    func testIdleWithNothingRunningSleepsUntilWoken() {
        var pacer = FramePacer()
        pacer.drew(at: 100 * ms)
        XCTAssertFalse(pacer.shouldDraw(now: 10_000 * ms, running: false))
        XCTAssertEqual(pacer.timeout(now: 10_000 * ms, backlog: false, running: false), -1)
    }

    func testStoreChangesAreDrawnAtMostOncePerFrameInterval() {
        var pacer = FramePacer()
        pacer.drew(at: 100 * ms)
        pacer.noteStoreChange()
        XCTAssertFalse(pacer.shouldDraw(now: 110 * ms, running: false))
        XCTAssertEqual(pacer.timeout(now: 110 * ms, backlog: false, running: false), 6)
        XCTAssertTrue(pacer.shouldDraw(now: 116 * ms, running: false))
        pacer.drew(at: 116 * ms)
        XCTAssertFalse(pacer.storeChanged)
        XCTAssertEqual(pacer.timeout(now: 117 * ms, backlog: false, running: false), -1)
    }

    func testATimeoutIsRoundedUpSoTheLoopNeverWakesEarly() {
        var pacer = FramePacer()
        pacer.drew(at: 0)
        pacer.noteStoreChange()
        XCTAssertEqual(pacer.timeout(now: 15 * ms + 500_000, backlog: false, running: false), 1)
        XCTAssertEqual(pacer.timeout(now: 40 * ms, backlog: false, running: false), 0)
    }

    func testABacklogMeansNoSleepAtAll() {
        var pacer = FramePacer()
        pacer.drew(at: 100 * ms)
        XCTAssertEqual(pacer.timeout(now: 101 * ms, backlog: true, running: false), 0)
        XCTAssertEqual(pacer.timeout(now: 101 * ms, backlog: true, running: true), 0)
    }

    func testDurationsTickOnceASecondWhileSomethingRuns() {
        var pacer = FramePacer()
        pacer.drew(at: 1_000 * ms)
        XCTAssertFalse(pacer.shouldDraw(now: 1_400 * ms, running: true))
        XCTAssertEqual(pacer.timeout(now: 1_400 * ms, backlog: false, running: true), 600)
        XCTAssertTrue(pacer.shouldDraw(now: 2_000 * ms, running: true))
        XCTAssertFalse(pacer.shouldDraw(now: 2_000 * ms, running: false))
    }

    func testTheNearerOfFrameAndTickWins() {
        var pacer = FramePacer()
        pacer.drew(at: 0)
        pacer.noteStoreChange()
        XCTAssertEqual(pacer.timeout(now: 4 * ms, backlog: false, running: true), 12)
        var slow = FramePacer(frameInterval: 2_000 * ms, tickInterval: 1_000 * ms)
        slow.drew(at: 0)
        slow.noteStoreChange()
        XCTAssertEqual(slow.timeout(now: 300 * ms, backlog: false, running: true), 700)
    }
}
