import GantryCore

/// The checks every store makes before it numbers an append, so both stores agree exactly.
enum AppendRules {
    /// Rejects an append with an expected version whose events belong to several deploys.
    static func checkOneStream(_ events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) {
        guard expected != .any, let first = events.first else { return }
        if events.contains(where: { $0.deploy != first.deploy }) { throw .mixedStreams }
    }

    /// The per-stream expectations of a one-stream append (none for `.any`).
    static func expectations(of events: [PendingEvent], expected: ExpectedVersion) throws(StoreError) -> [DeployID: ExpectedVersion] {
        try checkOneStream(events, expected: expected)
        guard expected != .any, let first = events.first else { return [:] }
        return [first.deploy: expected]
    }

    /// Rejects an append whose stream moved on since the writer read it.
    static func checkVersion(_ expected: ExpectedVersion, actual: Int64, deploy: DeployID) throws(StoreError) {
        switch expected {
        case .any:
            return
        case .noStream:
            if actual != 0 { throw .conflict(deploy: deploy, expected: expected, actual: actual) }
        case .exact(let version):
            if actual != version { throw .conflict(deploy: deploy, expected: expected, actual: actual) }
        }
    }
}
