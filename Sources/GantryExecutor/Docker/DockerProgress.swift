/// Reads progress out of docker's output: legacy builder `Step 4/7 : RUN make`, BuildKit plain
/// `#7 [2/3] RUN make`, and push layer lines `abc123: Pushed`.
public enum DockerProgress {
    /// `(done, total)` of a build step line, or nil.
    public static func buildStep(_ line: String) -> (Int, Int)? {
        if line.hasPrefix("Step "), let text = line.dropFirst(5).split(separator: " ").first {
            return fraction(String(text))
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

    private static func fraction(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let done = Int(parts[0]), let total = Int(parts[1]), total > 0, done <= total else { return nil }
        return (done, total)
    }
}
