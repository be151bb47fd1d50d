import Foundation
@testable import GantryExecutor
import XCTest

/// The real process runner stopping commands whose processes fight back: nothing of a stopped
/// command is left running, whatever its leader did with SIGTERM.
final class SubprocessRunnerTests: XCTestCase {
    private let runner = SubprocessRunner(gracePeriod: 0.5)

    /// Processes whose argv is `sleep SECONDS`, for the given (unique) durations.
    private func running(_ seconds: [Int]) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  !stat.contains(") Z ") else { return false }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return seconds.contains { argv == ["sleep", String($0)] }
        }
    }

    private func waitGone(_ seconds: [Int]) throws -> [String] {
        for _ in 0..<50 {
            if try running(seconds).isEmpty { return [] }
            usleep(20_000)
        }
        return try running(seconds)
    }

    /// The leader ignores TERM and so does its child: the group is killed after the grace period.
    func testATimeoutKillsAGroupThatIgnoresTERM() async throws {
        let result = try await runner.run(ProcessCommand(["sh", "-c", "trap '' TERM; sleep 100619 & sleep 100623"], timeout: 1)) { _, _ in }
        XCTAssertTrue(result.timedOut)
        XCTAssertEqual(try waitGone([100619, 100623]), [], "no process of the command is left")
    }

    /// The leader dies of TERM at once; its child ignores TERM and would outlive it.
    func testATimeoutKillsAGrandchildWhoseLeaderDiedOfTERM() async throws {
        let result = try await runner.run(ProcessCommand(["sh", "-c", "(trap '' TERM; exec sleep 100629) & exec sleep 100631"],
                                                         timeout: 1)) { _, _ in }
        XCTAssertTrue(result.timedOut)
        XCTAssertEqual(try waitGone([100629, 100631]), [], "the grandchild that ignored TERM was killed with the group")
    }

    /// A cancelled command (a rollback, a cancel, Ctrl-C) ends the same way.
    func testCancellingKillsTheWholeGroup() async throws {
        let runner = self.runner
        let task = Task {
            try await runner.run(ProcessCommand(["sh", "-c", "(trap '' TERM; exec sleep 100637) & trap '' TERM; sleep 100641"])) { _, _ in }
        }
        for _ in 0..<100 where try running([100637, 100641]).count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(try running([100637, 100641]).count, 2, "both sleeps started")
        task.cancel()
        _ = try? await task.value
        XCTAssertEqual(try waitGone([100637, 100641]), [], "cancel left nothing running")
    }
}
