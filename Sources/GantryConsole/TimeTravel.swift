import Foundation
import GantryCore

/// A past deploy opened read-only at one of its events: every panel shows the state as of that
/// event (the fold of the log up to its sequence number). Pure: the loop loads the state before
/// the deploy and the events of its lifetime once; stepping folds them.
public struct TimeTravel: Equatable, Sendable {
    public let deploy: DeployID
    public let environment: String
    public let version: String
    /// The state just before the deploy's first event.
    let base: GantryState
    /// Every event from the deploy's first to its last, of any stream (another environment's
    /// observations change what is live too).
    let events: [Event]
    /// Indexes into `events` of the deploy's own events: the steps of the scrubber.
    public let marks: [Int]
    /// The step shown (an index into `marks`).
    public private(set) var index = 0
    /// The state as of the step shown.
    public private(set) var state: GantryState
    /// The last position in `events` folded into `state` (-1: none).
    private var folded = -1

    /// A time travel through `deploy`, from `base` (folded up to just before its first event)
    /// over `events`, starting at the step `at` (nil: the last one). Nil when `events` holds
    /// nothing of the deploy.
    public init?(deploy: DeployID, base: GantryState, events: [Event], at: Int? = nil) {
        let marks = events.indices.filter { events[$0].deploy == deploy }
        guard let first = marks.first, case .deployRequested(let environment, let version, _) = events[first].payload else {
            return nil
        }
        self.deploy = deploy
        self.environment = environment
        self.version = version
        self.base = base
        self.events = events
        self.marks = marks
        state = base
        go(to: at ?? marks.count - 1)
    }

    /// The event shown.
    public var event: Event { events[marks[index]] }
    /// The number of steps.
    public var count: Int { marks.count }

    /// Moves to step `target` (clamped): forward folds the events between, backward folds
    /// again from the base.
    public mutating func go(to target: Int) {
        let target = min(max(0, target), marks.count - 1)
        let end = marks[target]
        if end < folded {
            state = base
            folded = -1
        }
        if end > folded {
            for position in (folded + 1)...end { Reducer.reduce(into: &state, events[position]) }
            folded = end
        }
        index = target
    }

    /// One line on the event shown: `14:02:11 · 12/40 · [canary] succeeded`.
    public var caption: String {
        "\(TextFormat.time(event.time)) \(Glyphs.unicode.separator) \(index + 1)/\(count) \(Glyphs.unicode.separator) "
            + event.payload.summary
    }
}
