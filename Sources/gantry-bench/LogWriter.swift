import Foundation
import GantryCore
import GantryStore

/// Another writer on the console's store: appends a stage's log lines at a steady rate, in
/// batches every 10 ms (as the executor's buffered log does), from its own thread.
final class LogWriter: @unchecked Sendable {
    private let store: SQLiteEventStore
    private let deploy: DeployID
    private let stage: String
    private let perSecond: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var stopping = false
    private var finished = false
    private var appended = 0
    private var seconds = 0.0

    init(store: SQLiteEventStore, deploy: DeployID, stage: String, perSecond: Int) {
        self.store = store
        self.deploy = deploy
        self.stage = stage
        self.perSecond = perSecond
    }

    /// Starts writing.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "bench.log-writer"
        thread.start()
    }

    /// Stops writing; returns the events appended and the rate achieved.
    func stop() -> (count: Int, perSecond: Double) {
        condition.lock()
        stopping = true
        while !finished { condition.wait() }
        defer { condition.unlock() }
        return (appended, seconds > 0 ? Double(appended) / seconds : 0)
    }

    private func run() {
        let tick = 0.010
        let perBatch = max(1, Int(Double(perSecond) * tick))
        let begin = DispatchTime.now().uptimeNanoseconds
        var written = 0
        var line = 0
        while true {
            condition.lock()
            let stop = stopping
            condition.unlock()
            if stop { break }
            // Catch up when behind: the number due by now, never more than 10 batches at once.
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            let due = min(Int(elapsed * Double(perSecond)) - written, perBatch * 10)
            if due > 0 {
                var batch: [PendingEvent] = []
                batch.reserveCapacity(due)
                let now = Date()
                for _ in 0..<due {
                    line += 1
                    batch.append(PendingEvent(time: now, actor: "executor", deploy: deploy,
                                              payload: .stageLogged(stage: stage, stream: .stdout,
                                                                    line: "#\(line) building layer \(line % 97): copying files (\(line % 1000) MB)")))
                }
                if (try? store.append(batch, expected: .any)) != nil { written += due }
            }
            usleep(useconds_t(tick * 1e6))
        }
        condition.lock()
        appended = written
        seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
