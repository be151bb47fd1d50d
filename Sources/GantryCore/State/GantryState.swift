/// The whole folded state of an event log.
public struct GantryState: Sendable, Equatable {
    /// The sequence number of the last event folded (0 before any).
    public var lastSeq: Int64 = 0
    /// How many events were folded.
    public var eventCount: Int = 0
    public var environments: [String: EnvironmentState] = [:]
    /// Every deploy, in the order they were requested.
    public var deploys = DeployTable()
    /// Log lines kept per stage.
    public let logCapacity: Int
    /// Samples kept per metric.
    public let metricCapacity: Int

    /// An empty state with the given bounds.
    public init(logCapacity: Int = 1000, metricCapacity: Int = 240) {
        self.logCapacity = logCapacity
        self.metricCapacity = metricCapacity
    }

    /// Environment names, sorted.
    public var environmentNames: [String] { environments.keys.sorted() }

    /// The newest deploy to `environment`.
    public func latestDeploy(in environment: String) -> DeployState? {
        environments[environment]?.deploys.last.flatMap { deploys[$0] }
    }
}
