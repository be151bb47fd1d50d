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
    private let probe = HTTPProbe(timeout: 5)
    private let lock = NSLock()
    private var levels: [String: ThresholdLevel] = [:]

    init(pipeline: PipelineFile, environment: EnvironmentSpec, version: String, recorder: Recorder,
         runner: any ProcessRunner, interval: Double, requestsPerSample: Int = 20, prometheusURL: String) {
        self.pipeline = pipeline
        self.environment = environment
        self.version = version
        self.recorder = recorder
        self.runner = runner
        self.interval = max(0.05, interval)
        self.requestsPerSample = requestsPerSample
        self.prometheusURL = prometheusURL
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

    /// The health check's failure, or nil when it passes (or there is none).
    func healthProblem() async -> String? {
        guard let health = environment.health else { return nil }
        let url = expand(health.url)
        var last = (status: 0, seconds: 0.0)
        for attempt in 0..<3 {
            last = await probe.get(url)
            if last.status == health.expect { return nil }
            if attempt < 2 { try? await Task.sleep(for: .milliseconds(300)) }
        }
        return "GET \(url) answered \(last.status == 0 ? "nothing" : String(last.status)), expected \(health.expect)"
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
                throw ExecutorError.criticalMetric(metric: metric.name, value: value, threshold: metric.critical ?? 0)
            }
        }
    }

    private func measure(_ metric: MetricSpec) async -> Double? {
        switch metric.source {
        case .probe(let target, let measure):
            let url: String
            switch target {
            case .health:
                guard let health = environment.health else { return nil }
                url = expand(health.url)
            case .url(let template):
                url = expand(template)
            }
            let sample = await probe.burst(url, count: requestsPerSample)
            switch measure {
            case .errorRatio: return sample.errorRatio
            case .latencyP95: return sample.percentile(0.95)
            case .latencyP99: return sample.percentile(0.99)
            }
        case .kube(let measure):
            let kubectl = Kubectl(context: environment.kube.context, namespace: environment.kube.namespace)
            switch measure {
            case .readyReplicas:
                guard let (result, lines) = try? await runner.collect(ProcessCommand(kubectl.getJSON("deployment", environment.deployment), timeout: 10)),
                      result.succeeded, let status = DeploymentStatus(json: lines.joined(separator: "\n")) else { return nil }
                return Double(status.ready)
            case .restarts:
                guard let (result, lines) = try? await runner.collect(ProcessCommand(kubectl.pods(selector: "app=\(environment.deployment)"), timeout: 10)),
                      result.succeeded else { return nil }
                return Double(Self.restarts(podListJSON: lines.joined(separator: "\n")))
            }
        case .prometheus(let query):
            return await PrometheusQuery(baseURL: prometheusURL).scalar(expand(query))
        }
    }

    private func expand(_ template: Template) -> String {
        template.expanded(pipeline.placeholderValues(version: version, environment: environment.name))
    }

    static func restarts(podListJSON text: String) -> Int {
        guard let data = text.data(using: .utf8),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let items = list["items"] as? [[String: Any]] else { return 0 }
        return items.reduce(0) { sum, pod in
            let statuses = (pod["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]] ?? []
            return sum + statuses.reduce(0) { $0 + (($1["restartCount"] as? NSNumber)?.intValue ?? 0) }
        }
    }
}

/// One instant query against Prometheus' HTTP API.
struct PrometheusQuery: Sendable {
    let baseURL: String

    /// The first sample's value of `query`, or nil.
    func scalar(_ query: String) async -> Double? {
        var components = URLComponents(string: baseURL + "/api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        guard let url = components?.url else { return nil }
        guard let (data, _) = try? await URLSession.shared.data(from: url),
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
