import Foundation

/// The revisions a Deployment keeps, as its ReplicaSets record them: which revision ran which
/// image. A rollback to a named version undoes to that version's revision.
enum ReplicaSetRevisions {
    /// The newest revision of `deployment` whose pod template runs `image` in `container`, from
    /// `kubectl get replicasets -o json`; nil when no kept ReplicaSet runs it (history pruned).
    static func revision(running image: String, container: String, owner deployment: String, in json: String) -> Int? {
        guard let data = json.data(using: .utf8),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let items = list["items"] as? [[String: Any]] else { return nil }
        var best: Int?
        for item in items {
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let owners = metadata["ownerReferences"] as? [[String: Any]] ?? []
            guard owners.isEmpty || owners.contains(where: { ($0["kind"] as? String) == "Deployment" && ($0["name"] as? String) == deployment })
            else { continue }
            let template = ((item["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
            let containers = template?["containers"] as? [[String: Any]] ?? []
            guard containers.contains(where: { ($0["name"] as? String) == container && ($0["image"] as? String) == image }),
                  let text = (metadata["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String,
                  let revision = Int(text) else { continue }
            best = max(best ?? revision, revision)
        }
        return best
    }

    /// `k=v,k2=v2`, for `kubectl get -l`.
    static func selector(_ labels: [String: String]) -> String? {
        guard !labels.isEmpty else { return nil }
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
