/// The pod-template-hash of a pod template, computed on the normalised template (defaults applied, nulls, empty
/// objects and the `pod-template-hash` label removed), so a template read back from a ReplicaSet hashes the same.
enum TemplateHash {
    /// The characters Kubernetes uses for safe names (no vowels, no confusable digits).
    static let alphanums = Array("bcdfghjklmnpqrstvwxz2456789")

    static func normalisedTemplate(_ template: JSON) -> JSON {
        var t = Defaults.podTemplate(template)
        t["metadata"]["labels"].removeKey("pod-template-hash")
        t["metadata"].removeKey("creationTimestamp")
        return Defaults.normalised(t)
    }

    static func hash(_ template: JSON) -> String {
        let text = JSONWriter.bytes(normalisedTemplate(template))
        var h: UInt32 = 2_166_136_261
        for b in text {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        return String(String(h).utf8.map { alphanums[Int($0) % alphanums.count] })
    }

    /// A random suffix for pod names.
    static func randomSuffix(_ n: Int = 5) -> String {
        String((0..<n).map { _ in alphanums.randomElement() ?? "x" })
    }
}
