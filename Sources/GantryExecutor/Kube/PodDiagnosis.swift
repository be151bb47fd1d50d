import Foundation

/// Explains why pods are not ready, from `kubectl get pods -o json`:
/// e.g. `3 pods CrashLoopBackOff: last log 'panic: missing DB_URL'`.
public enum PodDiagnosis {
    public static func explain(podListJSON text: String) -> String? {
        guard let data = text.data(using: .utf8),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let items = list["items"] as? [[String: Any]] else { return nil }
        var reasons: [String: Int] = [:]
        var order: [String] = []
        var lastLog = ""
        var restarts = 0
        for pod in items {
            let podStatus = pod["status"] as? [String: Any] ?? [:]
            // Pending and not scheduled: the scheduler says why (no node fits, a quota...).
            if podStatus["phase"] as? String == "Pending",
               let unscheduled = (podStatus["conditions"] as? [[String: Any]] ?? []).first(where: {
                   $0["type"] as? String == "PodScheduled" && $0["status"] as? String == "False" }) {
                let reason = "Pending (" + ((unscheduled["message"] as? String) ?? (unscheduled["reason"] as? String) ?? "unscheduled") + ")"
                if reasons[reason] == nil { order.append(reason) }
                reasons[reason, default: 0] += 1
            }
            let statuses = (pod["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]] ?? []
            for status in statuses {
                restarts += (status["restartCount"] as? NSNumber)?.intValue ?? 0
                if let message = ((status["lastState"] as? [String: Any])?["terminated"] as? [String: Any])?["message"] as? String,
                   !message.isEmpty {
                    lastLog = message.split(separator: "\n").last.map(String.init) ?? message
                }
                guard let waiting = (status["state"] as? [String: Any])?["waiting"] as? [String: Any],
                      let reason = waiting["reason"] as? String else { continue }
                if reasons[reason] == nil { order.append(reason) }
                reasons[reason, default: 0] += 1
            }
        }
        guard !order.isEmpty || restarts > 0 else { return nil }
        var text = order.isEmpty ? "pods crashing and restarting" : order.map { "\(reasons[$0]!) pod\(reasons[$0]! == 1 ? "" : "s") \($0)" }.joined(separator: ", ")
        if restarts > 0 { text += " (\(restarts) restarts)" }
        if !lastLog.isEmpty { text += ": last log '\(lastLog)'" }
        return text
    }
}
