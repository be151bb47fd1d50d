import Foundation
import GantryCore

/// A metric sampled during deploys and watch windows, with optional thresholds.
public struct MetricSpec: Sendable, Equatable {
    /// The metric name (a DNS-1123 label).
    public var name: String
    /// Where the value comes from.
    public var source: MetricSource
    /// The warning threshold, if any.
    public var warn: Double?
    /// The critical threshold, if any; a critical value can trigger automatic rollback.
    public var critical: Double?

    /// Creates a metric.
    public init(name: String, source: MetricSource, warn: Double? = nil, critical: Double? = nil) {
        self.name = name
        self.source = source
        self.warn = warn
        self.critical = critical
    }

    /// Which side of a threshold is bad, when the file says (`bad: above` or `bad: below`).
    public var declaredDirection: ThresholdDirection?

    /// The unit when the file says (`unit: ratio | seconds | count`).
    public var declaredUnit: MetricUnit?

    /// What the numbers mean: as declared, else by the source (error ratio: ratio; latency:
    /// seconds; Kubernetes counts: count; a Prometheus query: unknown).
    public var unit: MetricUnit {
        if let declaredUnit { return declaredUnit }
        switch source {
        case .probe(_, .errorRatio): return .ratio
        case .probe(_, .latencyP95), .probe(_, .latencyP99): return .seconds
        case .kube: return .count
        case .prometheus: return .none
        }
    }

    /// Which side of a threshold is bad: as declared, else by the source (ready replicas: below).
    public var direction: ThresholdDirection { declaredDirection ?? source.direction }

    /// The level of `value` against the thresholds.
    public func level(of value: Double) -> MetricLevel {
        func breaches(_ threshold: Double?) -> Bool {
            guard let threshold else { return false }
            return direction == .higherIsWorse ? value >= threshold : value <= threshold
        }
        if breaches(critical) { return .critical }
        if breaches(warn) { return .warning }
        return .normal
    }
}

/// The one source of a metric.
public enum MetricSource: Sendable, Equatable {
    /// An HTTP probe (the environment's health URL or a given URL), measured as `measure`.
    case probe(ProbeTarget, ProbeMeasure)
    /// A Prometheus instant query; may contain `${env}` and `${version}`.
    case prometheus(query: Template)
    /// A value read from the Kubernetes Deployment.
    case kube(KubeMeasure)

    /// Which side of a threshold is bad for this source.
    public var direction: ThresholdDirection {
        if case .kube(.readyReplicas) = self { return .lowerIsWorse }
        return .higherIsWorse
    }
}

/// What an HTTP probe calls.
public enum ProbeTarget: Sendable, Equatable {
    /// The environment's health check URL.
    case health
    /// A given URL.
    case url(Template)
}

/// What is measured from probe results.
public enum ProbeMeasure: String, Sendable, Equatable, CaseIterable {
    /// Failed probes / all probes, 0...1.
    case errorRatio = "error-ratio"
    /// The 95th percentile latency, in seconds.
    case latencyP95 = "latency-p95"
    /// The 99th percentile latency, in seconds.
    case latencyP99 = "latency-p99"
}

/// What is read from Kubernetes.
public enum KubeMeasure: String, Sendable, Equatable, CaseIterable {
    /// Ready replicas of the Deployment (lower is worse).
    case readyReplicas = "ready-replicas"
    /// Container restarts across its pods.
    case restarts
}

/// Which side of a threshold is bad.
public enum ThresholdDirection: Sendable, Equatable {
    /// Values at or above a threshold breach it; critical >= warn.
    case higherIsWorse
    /// Values at or below a threshold breach it; critical <= warn.
    case lowerIsWorse
}

/// A sampled value's level.
public enum MetricLevel: Sendable, Equatable {
    /// Within thresholds.
    case normal
    /// At or past the warning threshold.
    case warning
    /// At or past the critical threshold.
    case critical
}
