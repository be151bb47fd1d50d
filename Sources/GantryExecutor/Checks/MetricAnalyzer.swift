import Foundation
import GantryCore
import GantryPipeline
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Samples the pipeline's metrics for one environment, records every sample and every threshold
/// crossing, and reports a critical crossing so the executor can roll back.
final class MetricAnalyzer: @unchecked Sendable {
    let pipeline: PipelineFile
    let environment: EnvironmentSpec
    let version: String
    let recorder: Recorder
    let runner: any ProcessRunner
    let interval: Double
    let requestsPerSample: Int
    let prometheusURL: String
    /// When set (a preview endpoint's base URL), the health check and health probes go there:
    /// the health URL's path on this base.
    let base: String?
    /// The canary's analysis: the latest value of each metric over all traffic (the baseline),
    /// named beside the canary's own in a critical message.
    var baseline: BaselineValues?
    private let probe = HTTPProbe(timeout: 5)
    private let reader: MetricReader
    private let lock = NSLock()
    private var levels: [String: ThresholdLevel] = [:]

    init(pipeline: PipelineFile, environment: EnvironmentSpec, version: String, recorder: Recorder,
         runner: any ProcessRunner, interval: Double, requestsPerSample: Int = 20, prometheusURL: String, base: String? = nil) {
        self.base = base
        self.pipeline = pipeline
        self.environment = environment
        self.version = version
        self.recorder = recorder
        self.runner = runner
        self.interval = max(0.05, interval)
        self.requestsPerSample = requestsPerSample
        self.prometheusURL = prometheusURL
        reader = MetricReader(pipeline: pipeline, environment: environment, version: version, runner: runner,
                              requestsPerSample: requestsPerSample, prometheusURL: prometheusURL, base: base)
    }

    /// Samples every `interval` for `seconds` (at least once). Throws `.criticalMetric` on a
    /// critical sample when `stopOnCritical`, and `.healthFailed` when the health check fails
    /// and `stopOnHealth`.
    func analyse(seconds: Double, stopOnCritical: Bool, stopOnHealth: Bool) async throws {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        repeat {
            try Task.checkCancellation()
            try await sampleOnce(stopOnCritical: stopOnCritical)
            if stopOnHealth, let failure = await healthProblem() { throw ExecutorError.healthFailed(failure) }
            let next = ContinuousClock.now + .milliseconds(Int(interval * 1000))
            try await Task.sleep(until: min(next, end), clock: .continuous)
        } while ContinuousClock.now < end
    }

    /// Whether there is anything to verify with: a health check or a metric.
    var hasSignals: Bool { environment.health != nil || !pipeline.metrics.isEmpty }

    /// The health check's failure, or nil when it passes (or there is none): `successes` expected
    /// answers in a row, within twice as many tries (one answer in three is not healthy).
    func healthProblem(successes: Int = VerifyWindow.standard.healthSuccesses) async -> String? {
        guard let health = environment.health else { return nil }
        let url = healthURL(health)
        let needed = max(1, successes), limit = 2 * max(1, successes)
        var inARow = 0, good = 0, tries = 0
        var last = 0
        while tries < limit, limit - tries >= needed - inARow {
            tries += 1
            last = await probe.get(url).status
            if last == health.expect {
                inARow += 1
                good += 1
                if inARow >= needed { return nil }
            } else {
                inARow = 0
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return "GET \(url) answered \(last == 0 ? "nothing" : String(last)) (expected \(health.expect)); "
            + "\(needed) good answers in a row were needed, \(good) of \(tries) were good"
    }

    /// The verification window after a rollout: every `window.interval`, for `window.seconds`,
    /// samples the metrics and probes the health check once. A critical metric, or the health
    /// check failing twice in a row, fails the deploy (the rollback policy then decides whether
    /// it rolls back): a version that did not pass its window is not verified.
    func verify(_ window: VerifyWindow, stage: String) async throws {
        let end = ContinuousClock.now + .seconds(window.seconds)
        let started = ContinuousClock.now
        var healthFailures = 0
        repeat {
            try Task.checkCancellation()
            try await sampleOnce(stopOnCritical: true)
            if let health = environment.health {
                let url = healthURL(health)
                let status = await probe.get(url).status
                healthFailures = status == health.expect ? 0 : healthFailures + 1
                if healthFailures >= 2 {
                    throw ExecutorError.healthFailed("GET \(url) answered \(status == 0 ? "nothing" : String(status)) "
                        + "(expected \(health.expect)) twice in a row while verifying")
                }
            }
            let elapsed = Int((ContinuousClock.now - started).components.seconds)
            recorder.note(.stageProgressed(stage: stage, done: min(elapsed, window.seconds), total: window.seconds, label: "verifying"))
            let next = ContinuousClock.now + .seconds(window.interval)
            try await Task.sleep(until: min(next, end), clock: .continuous)
        } while ContinuousClock.now < end
    }

    func sampleOnce(stopOnCritical: Bool) async throws {
        for metric in pipeline.metrics {
            // NaN/±Inf (Prometheus over no traffic: 0/0) is no sample, not a threshold crossing.
            guard let value = await measure(metric), value.isFinite else { continue }
            try recorder.record(.metricSampled(metric: metric.name, value: value))
            let level: ThresholdLevel = switch metric.level(of: value) {
            case .critical: .critical
            case .warning: .warn
            case .normal: .ok
            }
            let previous = lock.withLock { levels.updateValue(level, forKey: metric.name) } ?? .ok
            if level != previous {
                let threshold = (level == .critical ? metric.critical : level == .warn ? metric.warn : metric.warn) ?? 0
                try recorder.record(.thresholdCrossed(metric: metric.name, level: level, value: value, threshold: threshold))
            }
            if level == .critical, stopOnCritical {
                let note = baseline.map { values in
                    "the canary's own traffic; all traffic " + (values.latest(metric.name).map(metric.unit.format) ?? "not sampled yet")
                } ?? ""
                throw ExecutorError.criticalMetric(metric: metric.name, value: value, threshold: metric.critical ?? 0,
                                                   lowerIsWorse: metric.direction == .lowerIsWorse, unit: metric.unit, note: note)
            }
        }
    }

    /// Samples every metric over all traffic (the environment's own URLs) every `interval` until
    /// cancelled, recording each as `NAME (all)`: the baseline a canary is compared with.
    func sampleBaseline(into values: BaselineValues) async {
        while !Task.isCancelled {
            for metric in pipeline.metrics {
                guard let value = await measure(metric), value.isFinite else { continue }
                values.set(metric.name, value)
                recorder.note(.metricSampled(metric: metric.name + " (all)", value: value))
            }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    private func measure(_ metric: MetricSpec) async -> Double? { await reader.measure(metric) }

    /// The health check's URL, on the preview base when there is one.
    private func healthURL(_ health: HealthCheck) -> String { reader.healthURL(health) }

    static func restarts(podListJSON text: String) -> Int { MetricReader.restarts(podListJSON: text) }
}

/// One instant query against Prometheus' HTTP API.
struct PrometheusQuery: Sendable {
    let baseURL: String

    /// The first sample's value of `query`, or nil.
    func scalar(_ query: String) async -> Double? {
        var components = URLComponents(string: baseURL + "/api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        guard let url = components?.url else { return nil }
        let request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 5)
        guard case (let data?, _) = await HTTPProbe.fetch(request, session: URLSession.shared),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let payload = object["data"] as? [String: Any] else { return nil }
        if let result = payload["result"] as? [[String: Any]], let value = result.first?["value"] as? [Any],
           value.count == 2, let text = value[1] as? String {
            return Double(text)
        }
        if let value = payload["result"] as? [Any], value.count == 2, let text = value[1] as? String { return Double(text) }
        return nil
    }
}

/// The latest baseline value of each metric, shared between the baseline sampler and the
/// canary's analysis.
final class BaselineValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Double] = [:]
    func set(_ name: String, _ value: Double) { lock.withLock { values[name] = value } }
    func latest(_ name: String) -> Double? { lock.withLock { values[name] } }
}
