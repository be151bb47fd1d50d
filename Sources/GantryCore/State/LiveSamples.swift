import Foundation

/// One metric value read from an environment while no deploy needed it (the agent's low-rate
/// sampling between deploys). Not an event: samples are kept apart from the facts, bounded.
public struct LiveSample: Sendable, Equatable {
    public var environment: String
    public var metric: String
    public var time: Date
    public var value: Double

    public init(environment: String, metric: String, time: Date, value: Double) {
        self.environment = environment
        self.metric = metric
        self.time = time
        self.value = value
    }
}

/// The recent live samples of every environment's metrics, oldest first per metric.
public struct LiveSamples: Sendable, Equatable {
    /// environment → metric → samples, oldest first.
    public var values: [String: [String: [MetricSeries.Sample]]]

    /// The pseudo-metrics of an environment's pods (ready and desired), read with its metrics.
    public static let readyPods = "pods.ready"
    public static let desiredPods = "pods.desired"

    /// The newest pod counts read, and when, if any.
    public func pods(_ environment: String) -> (ready: Int, desired: Int, at: Date)? {
        guard let ready = samples(environment, Self.readyPods).last, let desired = samples(environment, Self.desiredPods).last
        else { return nil }
        return (Int(ready.value), Int(desired.value), max(ready.time, desired.time))
    }

    public init(_ values: [String: [String: [MetricSeries.Sample]]] = [:]) {
        self.values = values
    }

    /// The samples of `metric` in `environment`, oldest first.
    public func samples(_ environment: String, _ metric: String) -> [MetricSeries.Sample] {
        values[environment]?[metric] ?? []
    }

    /// The newest sample of any metric in `environment`.
    public func newest(_ environment: String) -> Date? {
        values[environment]?.values.compactMap { $0.last?.time }.max()
    }

    /// A series of `metric` in `environment` with the thresholds of `plan` (for drawing).
    public func series(_ environment: String, plan: MetricPlan, capacity: Int = 240) -> MetricSeries {
        var series = MetricSeries(capacity: capacity, plan: plan)
        for sample in samples(environment, plan.name).suffix(capacity) { series.append(sample) }
        if let value = series.latest {
            let lower = plan.lowerIsWorse
            func beyond(_ threshold: Double?) -> Bool {
                guard let threshold else { return false }
                return lower ? value <= threshold : value >= threshold
            }
            if beyond(plan.critical) {
                series.level = .critical
                series.crossedThreshold = plan.critical ?? 0
            } else if beyond(plan.warn) {
                series.level = .warn
                series.crossedThreshold = plan.warn ?? 0
            }
        }
        return series
    }
}
