import Foundation

/// Knobs of an executor run.
public struct ExecutorSettings: Sendable {
    /// Who the executor is in the log and the lease, e.g. `executor@host:4242`.
    public var holder: String
    /// Seconds between metric samples.
    public var sampleInterval: Double
    /// Timeout of a step whose stage sets none, in seconds.
    public var defaultTimeout: Double
    /// Seconds a gate may wait before the deploy fails; nil waits for as long as it takes.
    public var gateTimeout: Double?
    /// Where Prometheus answers queries.
    public var prometheusURL: String
    /// Lease length in seconds (renewed every third of it).
    public var leaseSeconds: Double
    /// Secret values to redact from everything stored.
    public var secrets: [String]
    /// Where stage and `verify:` commands run (the pipeline file's directory); nil for the current one.
    public var workingDirectory: String?
    /// How much of each stage's output is stored (the rest is counted and dropped).
    public var outputBudget = OutputBudget()

    public init(holder: String = ExecutorSettings.defaultHolder(), sampleInterval: Double = 2, defaultTimeout: Double = 600,
                gateTimeout: Double? = nil, prometheusURL: String = "http://127.0.0.1:9090", leaseSeconds: Double = 30,
                secrets: [String] = [], workingDirectory: String? = nil) {
        self.holder = holder
        self.sampleInterval = sampleInterval
        self.defaultTimeout = defaultTimeout
        self.gateTimeout = gateTimeout
        self.prometheusURL = prometheusURL
        self.leaseSeconds = leaseSeconds
        self.secrets = secrets
        self.workingDirectory = workingDirectory
    }

    /// `executor@HOST:PID`.
    public static func defaultHolder() -> String {
        "executor@\(ProcessInfo.processInfo.hostName):\(getpid())"
    }
}
