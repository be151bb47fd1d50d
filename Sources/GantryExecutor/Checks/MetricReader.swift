import Foundation
import GantryCore
import GantryPipeline

/// Reads one metric's current value for one environment, from its one source: an HTTP probe
/// burst, a Prometheus instant query, or kubectl.
struct MetricReader: Sendable {
    let pipeline: PipelineFile
    let environment: EnvironmentSpec
    let version: String
    let runner: any ProcessRunner
    let requestsPerSample: Int
    let prometheusURL: String
    /// A preview endpoint's base URL for the health URL's path, when set.
    let base: String?
    private let probe = HTTPProbe(timeout: 5)

    init(pipeline: PipelineFile, environment: EnvironmentSpec, version: String, runner: any ProcessRunner,
         requestsPerSample: Int, prometheusURL: String, base: String? = nil) {
        self.pipeline = pipeline
        self.environment = environment
        self.version = version
        self.runner = runner
        self.requestsPerSample = requestsPerSample
        self.prometheusURL = prometheusURL
        self.base = base
    }

    func measure(_ metric: MetricSpec) async -> Double? {
        switch metric.source {
        case .probe(let target, let measure):
            let url: String
            switch target {
            case .health:
                guard let health = environment.health else { return nil }
                url = healthURL(health)
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
                // What serves: the live colour (blue-green), stable and canary together (canary).
                let reader = LiveReader(runner: runner, environment: environment, image: pipeline.image, timeout: 10)
                guard let ready = try? await reader.readyServing() else { return nil }
                return Double(ready)
            case .restarts:
                guard let (result, lines) = try? await runner.collect(ProcessCommand(kubectl.pods(selector: "app=\(environment.deployment)"), timeout: 10)),
                      result.succeeded else { return nil }
                return Double(Self.restarts(podListJSON: lines.joined(separator: "\n")))
            }
        case .prometheus(let query):
            return await PrometheusQuery(baseURL: prometheusURL).scalar(expand(query))
        }
    }

    /// The health check's URL, on the preview base when there is one.
    func healthURL(_ health: HealthCheck) -> String {
        let url = expand(health.url)
        guard let base, let scheme = url.range(of: "://") else { return url }
        let path = url[scheme.upperBound...].firstIndex(of: "/").map { String(url[$0...]) } ?? "/"
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
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
