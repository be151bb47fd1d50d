import Foundation

extension DeployState {
    /// What the deploy is doing or waiting for now, in a few words (nil once it has finished):
    /// `waiting for 1 more approval (bob ✓) (prod-gate)`, `running production: 2/4 pods ready`.
    public var now: String? {
        guard !status.isFinished else { return nil }
        if status == .requested { return "requested: waiting for an executor to pick it up" }
        if status == .rollingBack { return "rolling back" + (rollback.map { $0.targetVersion.isEmpty ? "" : " to \($0.targetVersion)" } ?? "") }
        if let cancel = cancelRequest { return "being cancelled (asked by \(cancel.by))" }
        for (gate, gateStatus) in gateStatuses where !gateStatus.isOpen && !openedGates.contains(gate) {
            if let stage = stage(gate), stage.status == .running { return gateStatus.blockers.joined(separator: "; ") + " (\(gate))" }
        }
        if let running = stages.last(where: { $0.status == .running }) {
            return "running \(running.id)" + (running.progress.map { ": \($0.label)" } ?? "")
        }
        return "running"
    }
}
