import Foundation
import GantryCore

/// How much of one stage's output is stored: the first `head` bytes as they come, then only the
/// last `tail` bytes, held in memory and stored when the stage ends; lines in between are
/// counted (`stage.output-omitted`) and dropped. A step printing 200 MB stores about 4 MB, so a
/// chatty step can neither fill the disk nor the store, and the end of its output (where the
/// error usually is) is still there.
public struct OutputBudget: Sendable, Equatable {
    public var head: Int
    public var tail: Int
    /// How often the running count of omitted output is recorded while a stage omits.
    public var reportInterval: TimeInterval

    public init(head: Int = 3 << 20, tail: Int = 1 << 20, reportInterval: TimeInterval = 2) {
        self.head = head
        self.tail = tail
        self.reportInterval = reportInterval
    }
}

/// One stage's output against its budget (used under the recorder's lock).
struct StageOutput {
    private(set) var stored = 0
    private(set) var omittedLines = 0
    private(set) var omittedBytes = 0
    private var tail: [PendingEvent] = []
    private var tailStart = 0
    private var tailBytes = 0
    private var lastReport = Date.distantPast
    private var reported = 0

    /// What to do with one line: store it now, or keep it in the tail (dropping the oldest tail
    /// lines past the budget); returns the lines to store now (the line itself, or a report).
    mutating func take(_ event: PendingEvent, bytes: Int, budget: OutputBudget, stage: String) -> [PendingEvent] {
        if tailStart == tail.count, stored + bytes <= budget.head {
            stored += bytes
            return [event]
        }
        tail.append(event)
        tailBytes += bytes
        while tailBytes > budget.tail, tailStart < tail.count {
            let dropped = Self.size(of: tail[tailStart])
            tailStart += 1
            tailBytes -= dropped
            omittedLines += 1
            omittedBytes += dropped
        }
        if tailStart > 4096, tailStart * 2 > tail.count {
            tail.removeFirst(tailStart)
            tailStart = 0
        }
        guard omittedLines > reported, event.time.timeIntervalSince(lastReport) >= budget.reportInterval else { return [] }
        lastReport = event.time
        reported = omittedLines
        return [report(stage: stage, actor: event.actor, deploy: event.deploy, time: event.time)]
    }

    /// The final count (when more output was omitted since the last report) and the held tail,
    /// in order; empties the tail.
    mutating func drain(stage: String, actor: String, deploy: DeployID) -> [PendingEvent] {
        var out: [PendingEvent] = []
        if omittedLines > reported {
            out.append(report(stage: stage, actor: actor, deploy: deploy, time: Date()))
            reported = omittedLines
        }
        out += tail[tailStart...]
        stored += tailBytes
        tail.removeAll()
        tailStart = 0
        tailBytes = 0
        return out
    }

    private func report(stage: String, actor: String, deploy: DeployID, time: Date) -> PendingEvent {
        PendingEvent(time: time, actor: actor, deploy: deploy,
                     payload: .stageOutputOmitted(stage: stage, lines: omittedLines, bytes: omittedBytes))
    }

    /// A line's size as output: its text and the line break.
    static func size(of event: PendingEvent) -> Int {
        if case .stageLogged(_, _, let line) = event.payload { return line.utf8.count + 1 }
        return 0
    }
}
