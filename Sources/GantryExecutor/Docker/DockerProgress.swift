/// Reads progress out of docker's output: the legacy builder's `Step 4/7 : RUN make`, podman's
/// `STEP 4/7: RUN make` (the docker CLI relays it unchanged), BuildKit plain `#7 [2/3] RUN make`,
/// push layer lines `abc123: Pushed`, and the push's closing `TAG: digest: sha256:… size: N`.
public enum DockerProgress {
    /// `(done, total)` of a build step line, or nil.
    public static func buildStep(_ line: String) -> (Int, Int)? {
        for prefix in ["Step ", "STEP "] where line.hasPrefix(prefix) {
            guard let text = line.dropFirst(prefix.count).split(separator: " ").first else { return nil }
            return fraction(text.hasSuffix(":") ? String(text.dropLast()) : String(text))
        }
        if line.hasPrefix("#"), let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"), open < close {
            let inside = line[line.index(after: open)..<close].split(separator: " ").last.map(String.init) ?? ""
            return fraction(inside)
        }
        return nil
    }

    /// Whether a push output line reports a finished layer.
    public static func isPushedLayer(_ line: String) -> Bool {
        line.hasSuffix(": Pushed") || line.hasSuffix(": Layer already exists")
    }

    /// The shortened digest (`sha256:` and 12 hex digits) of a push's closing line, or nil.
    public static func pushedDigest(_ line: String) -> String? {
        guard let range = line.range(of: ": digest: sha256:") else { return nil }
        let hex = line[range.upperBound...].prefix { $0.isHexDigit }
        guard hex.count >= 12 else { return nil }
        return "sha256:" + hex.prefix(12)
    }

    private static func fraction(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let done = Int(parts[0]), let total = Int(parts[1]), total > 0, done <= total else { return nil }
        return (done, total)
    }
}
