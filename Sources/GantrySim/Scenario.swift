import Foundation

/// How a version behaves: readiness, crashes and the traffic it serves.
public struct VersionProfile: Sendable, Equatable {
    /// Seconds from container start to ready (nil: the scenario's default).
    public var readySeconds: Double?
    /// The container runs but never becomes ready.
    public var neverReady = false
    /// The container crashes shortly after each start (CrashLoopBackOff).
    public var crashLoop = false
    /// The last line a crashing container logs.
    public var crashLog = "panic: simulated crash"
    /// Fraction of requests answered with 500.
    public var errorRate = 0.0
    /// Median and 99th percentile latency of a request, in milliseconds.
    public var latencyMedianMs = 5.0
    public var latencyP99Ms = 20.0

    public init() {}

    /// The profile the image tag conventions give: `crashloop`, `neverready`, `slow` (readiness), `bad` (20% 500s),
    /// `laggy` (slow responses).
    public static func conventional(image: String) -> VersionProfile {
        let tag = ImageRef(image).tag.lowercased()
        var p = VersionProfile()
        if tag.contains("crashloop") {
            p.crashLoop = true
            p.crashLog = "panic: simulated crash in version \(ImageRef(image).tag)"
        }
        if tag.contains("neverready") { p.neverReady = true }
        if tag.contains("slow") { p.readySeconds = 5 }
        if tag.contains("bad") { p.errorRate = 0.2 }
        if tag.contains("laggy") {
            p.latencyMedianMs = 300
            p.latencyP99Ms = 1200
        }
        return p
    }
}

/// Faults injected into the API server.
public struct Faults: Sendable, Equatable {
    /// Fraction of resource requests answered with an error instead.
    public var apiErrorRate = 0.0
    /// The error status code: 500 or 429.
    public var apiErrorCode = 500
    /// Extra delay added to every API response, in milliseconds.
    public var apiDelayMs = 0.0
    /// When set, watches are cut (connection closed mid-stream) after this many seconds.
    public var watchDropSeconds: Double?

    public init() {}
}

/// Scripted behaviour of the simulator, from a scenario file (JSON) or defaults.
///
/// ```json
/// {"clusters": ["staging", "prod"], "namespaces": ["web"],
///  "timing": {"scheduleSeconds": 0.1, "startSeconds": 0.3, "readySeconds": 0.5, "crashBackoffSeconds": 1,
///             "terminateSeconds": 0.3, "watchTimeoutSeconds": 1800},
///  "versions": [{"match": "web:2.1", "errorRate": 0.05, "latencyMs": [20, 200]}],
///  "faults": {"apiErrorRate": 0.1, "apiErrorCode": 429, "apiDelayMs": 50, "watchDropSeconds": 5}}
/// ```
public struct Scenario: Sendable, Equatable {
    /// Names of the simulated clusters (kubeconfig contexts).
    public var clusters = ["staging", "prod"]
    /// Namespaces created in every cluster besides `default`.
    public var namespaces: [String] = []
    /// Seconds until a new pod is scheduled, until its container starts, and from start to ready.
    public var scheduleSeconds = 0.1
    public var startSeconds = 0.3
    public var readySeconds = 0.5
    /// Back-off between crash-loop restarts.
    public var crashBackoffSeconds = 1.0
    /// How long a watch lasts when the client sets no `timeoutSeconds`.
    public var watchTimeoutSeconds = 1800.0
    /// How long a deleted pod stays Terminating.
    public var terminateSeconds = 0.3
    /// The most pods one simulated cluster holds (a typo in a replica count cannot exhaust memory).
    public var maxPods = 20_000
    /// Controller period.
    public var tickSeconds = 0.05
    /// Per-version rules: the first whose `match` is a substring of the image wins over the tag conventions.
    public var versions: [(match: String, profile: VersionProfile)] = []
    /// Injected faults.
    public var faults = Faults()

    public init() {}

    public static func == (a: Scenario, b: Scenario) -> Bool {
        a.clusters == b.clusters && a.namespaces == b.namespaces && a.scheduleSeconds == b.scheduleSeconds
            && a.startSeconds == b.startSeconds && a.readySeconds == b.readySeconds && a.faults == b.faults
            && a.versions.map(\.match) == b.versions.map(\.match) && a.versions.map(\.profile) == b.versions.map(\.profile)
    }

    /// The behaviour of a pod running `image`.
    public func profile(image: String) -> VersionProfile {
        for rule in versions where image.contains(rule.match) { return rule.profile }
        return VersionProfile.conventional(image: image)
    }

    /// Reads a scenario file.
    public static func load(path: String) throws(SimError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else { throw .badScenario("cannot read \(path)") }
        let json: JSON
        do { json = try JSON.parse(bytes: Array(data)) } catch { throw .badScenario("\(path): \(error)") }
        return try parse(json)
    }

    /// Builds a scenario from its JSON form; unknown keys are an error so typos do not pass silently.
    public static func parse(_ json: JSON) throws(SimError) -> Scenario {
        guard let top = json.objectValue else { throw .badScenario("the scenario must be a JSON object") }
        var s = Scenario()
        for key in top.keys where !["clusters", "namespaces", "timing", "versions", "faults"].contains(key) {
            throw .badScenario("unknown key '\(key)'")
        }
        if let c = json["clusters"].arrayValue {
            s.clusters = c.compactMap(\.stringValue)
            guard !s.clusters.isEmpty else { throw .badScenario("'clusters' must name at least one cluster") }
        }
        s.namespaces = (json["namespaces"].arrayValue ?? []).compactMap(\.stringValue)
        let t = json["timing"]
        s.scheduleSeconds = try number(t["scheduleSeconds"], "timing.scheduleSeconds") ?? s.scheduleSeconds
        s.startSeconds = try number(t["startSeconds"], "timing.startSeconds") ?? s.startSeconds
        s.readySeconds = try number(t["readySeconds"], "timing.readySeconds") ?? s.readySeconds
        s.crashBackoffSeconds = try number(t["crashBackoffSeconds"], "timing.crashBackoffSeconds") ?? s.crashBackoffSeconds
        s.terminateSeconds = try number(t["terminateSeconds"], "timing.terminateSeconds") ?? s.terminateSeconds
        s.watchTimeoutSeconds = try number(t["watchTimeoutSeconds"], "timing.watchTimeoutSeconds") ?? s.watchTimeoutSeconds
        for (n, v) in (json["versions"].arrayValue ?? []).enumerated() {
            guard let match = v["match"].stringValue, !match.isEmpty else {
                throw .badScenario("versions[\(n)] needs a non-empty 'match'")
            }
            var p = VersionProfile.conventional(image: match)
            p.readySeconds = try number(v["readySeconds"], "versions[\(n)].readySeconds") ?? p.readySeconds
            p.neverReady = v["neverReady"].boolValue ?? p.neverReady
            p.crashLoop = v["crashLoop"].boolValue ?? p.crashLoop
            p.crashLog = v["logLine"].stringValue ?? p.crashLog
            p.errorRate = try number(v["errorRate"], "versions[\(n)].errorRate") ?? p.errorRate
            guard (0...1).contains(p.errorRate) else { throw .badScenario("versions[\(n)].errorRate must be between 0 and 1") }
            if let l = v["latencyMs"].arrayValue, l.count == 2 {
                p.latencyMedianMs = try number(l[0], "versions[\(n)].latencyMs[0]") ?? p.latencyMedianMs
                p.latencyP99Ms = max(p.latencyMedianMs, try number(l[1], "versions[\(n)].latencyMs[1]") ?? p.latencyP99Ms)
            }
            s.versions.append((match, p))
        }
        let f = json["faults"]
        s.faults.apiErrorRate = try number(f["apiErrorRate"], "faults.apiErrorRate") ?? 0
        s.faults.apiErrorCode = f["apiErrorCode"].intValue ?? 500
        s.faults.apiDelayMs = try number(f["apiDelayMs"], "faults.apiDelayMs") ?? 0
        s.faults.watchDropSeconds = try number(f["watchDropSeconds"], "faults.watchDropSeconds")
        return s
    }

    private static func number(_ v: JSON, _ name: String) throws(SimError) -> Double? {
        let d: Double
        switch v {
        case .null: return nil
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        default: throw .badScenario("'\(name)' must be a number")
        }
        guard d.isFinite, d >= 0, d <= 86_400_000 else { throw .badScenario("'\(name)' must be a non-negative number") }
        return d
    }
}
