import Foundation
import GantryCore
import XCTest

/// Exhaustive reducer testing in the style of TCA's `TestStore`: every event sent must be
/// matched by the exact change it makes to state, stated by the test.
public final class ReducerTester {
    /// The state folded so far.
    public private(set) var state: GantryState
    private var seq: Int64 = 0
    private var streamVersions: [DeployID: Int64] = [:]
    /// The clock: each event is stamped `start + seq` seconds.
    public let start: Date

    public init(state: GantryState = GantryState(), start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.state = state
        self.start = start
    }

    /// The time the next event will carry.
    public var nextTime: Date { start.addingTimeInterval(TimeInterval(seq + 1)) }

    /// Folds `payload` as an event of `deploy` by `actor`, and asserts the state changed exactly
    /// as `expected` describes (applied to the previous state).
    @discardableResult
    public func send(_ payload: EventPayload, deploy: DeployID, actor: String = "executor",
                     file: StaticString = #filePath, line: UInt = #line,
                     _ expected: (inout GantryState) -> Void = { _ in }) -> Event {
        seq += 1
        let version = (streamVersions[deploy] ?? 0) + 1
        streamVersions[deploy] = version
        let event = Event(seq: seq, streamVersion: version, time: start.addingTimeInterval(TimeInterval(seq)),
                          actor: actor, deploy: deploy, payload: payload)
        var wanted = state
        wanted.lastSeq = event.seq
        wanted.eventCount += 1
        expected(&wanted)
        // Bookkeeping, like lastSeq: a deploy's state knows its stream's version.
        if wanted.deploys[deploy] != nil { wanted.deploys[deploy]?.streamVersion = version }
        Reducer.reduce(into: &state, event)
        if state != wanted {
            XCTFail("state after \(event.payload.kind?.name ?? "event") differs:\n" + Self.diff(wanted, state),
                    file: file, line: line)
            state = wanted
        }
        return event
    }

    /// Folds `payload` without asserting the change: for setting up a test's starting state.
    @discardableResult
    public func fold(_ payload: EventPayload, deploy: DeployID, actor: String = "executor") -> Event {
        seq += 1
        let version = (streamVersions[deploy] ?? 0) + 1
        streamVersions[deploy] = version
        let event = Event(seq: seq, streamVersion: version, time: start.addingTimeInterval(TimeInterval(seq)),
                          actor: actor, deploy: deploy, payload: payload)
        Reducer.reduce(into: &state, event)
        return event
    }

    /// A line diff of two values' dumps: `-` expected, `+` actual.
    public static func diff<T>(_ expected: T, _ actual: T) -> String {
        var left = "", right = ""
        dump(expected, to: &left)
        dump(actual, to: &right)
        let a = left.split(separator: "\n"), b = right.split(separator: "\n")
        var out: [String] = []
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? String(a[index]) : "", y = index < b.count ? String(b[index]) : ""
            if x != y { out.append("- \(x)\n+ \(y)") }
        }
        return out.prefix(20).joined(separator: "\n")
    }
}
