import Foundation

/// The recent samples of one metric (bounded), its latest value and threshold band.
public struct MetricSeries: Sendable, Equatable {
    /// One sample.
    public struct Sample: Sendable, Equatable {
        public var time: Date
        public var value: Double
        public init(time: Date, value: Double) {
            self.time = time
            self.value = value
        }
    }

    public let capacity: Int
    /// Every sample ever taken, including those dropped.
    public private(set) var totalCount = 0
    /// The band of the last threshold crossing.
    public var level: ThresholdLevel = .ok
    /// The threshold that was crossed last (0 when none).
    public var crossedThreshold: Double = 0
    /// The warning threshold from the deploy's policy (nil when none or not known).
    public var warn: Double?
    /// The critical threshold from the deploy's policy (nil when none or not known).
    public var critical: Double?
    /// Whether values at or below a threshold breach it (ready replicas).
    public var lowerIsWorse = false
    /// What the numbers mean (from the policy).
    public var unit: MetricUnit = .none
    private var storage: [Sample] = []
    private var head = 0

    /// An empty series keeping at most `capacity` samples (at least 1).
    public init(capacity: Int = 240) {
        self.capacity = max(1, capacity)
    }

    /// An empty series with the thresholds of `plan`.
    public init(capacity: Int = 240, plan: MetricPlan) {
        self.init(capacity: capacity)
        warn = plan.warn
        critical = plan.critical
        lowerIsWorse = plan.lowerIsWorse
        unit = plan.unit
    }

    /// A series holding `samples` (oldest first, at most `capacity`) out of `totalCount` ever
    /// taken: what `StateCodec` wrote. The thresholds are set by the caller.
    init(capacity: Int, totalCount: Int, samples: [Sample]) {
        self.capacity = max(1, capacity)
        self.totalCount = totalCount
        storage = samples.count > self.capacity ? Array(samples.suffix(self.capacity)) : samples
    }

    /// Adds a sample, dropping the oldest when full.
    public mutating func append(_ sample: Sample) {
        totalCount += 1
        if storage.count < capacity {
            storage.append(sample)
        } else {
            storage[head] = sample
            head = (head + 1) % capacity
        }
    }

    /// The kept samples, oldest first.
    public var samples: [Sample] {
        guard head > 0 else { return storage }
        return Array(storage[head...] + storage[..<head])
    }

    /// The newest value.
    public var latest: Double? {
        guard !storage.isEmpty else { return nil }
        return storage[(head + storage.count - 1) % storage.count].value
    }

    public static func == (lhs: MetricSeries, rhs: MetricSeries) -> Bool {
        lhs.capacity == rhs.capacity && lhs.totalCount == rhs.totalCount && lhs.level == rhs.level
            && lhs.crossedThreshold == rhs.crossedThreshold && lhs.warn == rhs.warn && lhs.critical == rhs.critical
            && lhs.lowerIsWorse == rhs.lowerIsWorse && lhs.unit == rhs.unit && lhs.samples == rhs.samples
    }
}
