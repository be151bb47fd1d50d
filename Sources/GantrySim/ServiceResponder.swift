import Foundation
import NIOCore

/// Serves one Service's loopback endpoint: each request goes to a random ready pod behind the selector and is
/// answered as that pod's version profile says (error ratio, latency); `/healthz` likewise.
struct ServiceResponder: HTTPResponder {
    let cluster: Cluster
    let namespace: String
    let service: String
    let metrics: TrafficMetrics

    private struct Pick {
        let pod: String
        let version: String
        let profile: VersionProfile
    }

    private func pick() -> Pick? {
        cluster.locked { c -> Pick? in
            guard let svc = c.space.get(.services, namespace, service) else { return nil }
            let selector = svc["spec"]["selector"].stringMap
            guard !selector.isEmpty else { return nil }
            let ready = c.space.list(.pods, namespace: namespace).compactMap { p -> Pick? in
                let labels = p["metadata"]["labels"].stringMap
                guard selector.allSatisfy({ labels[$0.key] == $0.value }), p["metadata"]["deletionTimestamp"].isNull,
                      let rt = c.pods[p["metadata"]["uid"].stringValue ?? ""], rt.isReady else { return nil }
                return Pick(pod: p["metadata"]["name"].stringValue ?? "", version: rt.version, profile: rt.profile)
            }
            return ready.randomElement()
        }
    }

    /// A latency sample from a log-normal distribution with the profile's median and 99th percentile.
    static func sampleLatency(_ p: VersionProfile) -> Double {
        let median = max(0.1, p.latencyMedianMs)
        let sigma = log(max(p.latencyP99Ms, median) / median) / 2.326
        let u1 = Double.random(in: Double.ulpOfOne..<1), u2 = Double.random(in: 0..<1)
        let z = sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
        return min(30_000, median * exp(sigma * z)) / 1000
    }

    func respond(_ request: APIRequest, on loop: any EventLoop) -> EventLoopFuture<APIResponse> {
        guard let p = pick() else {
            let body: JSON = ["error": .string("no endpoints available for service \"\(service)\""),
                              "service": .string(service), "namespace": .string(namespace)]
            return loop.makeSucceededFuture(.json(body, status: 503))
        }
        let seconds = Self.sampleLatency(p.profile)
        let failed = Double.random(in: 0..<1) < p.profile.errorRate
        let code = failed ? 500 : 200
        let body: JSON = ["pod": .string(p.pod), "version": .string(p.version), "service": .string(service),
                          "namespace": .string(namespace), "cluster": .string(cluster.name),
                          "status": failed ? "error" : "ok", "path": .string(request.path)]
        let response = APIResponse.full(status: code, contentType: "application/json", body: JSONWriter.bytes(body),
                                        extraHeaders: [("X-Sim-Pod", p.pod), ("X-Sim-Version", p.version)])
        let series = TrafficMetrics.Series(cluster: cluster.name, namespace: namespace, service: service, version: p.version)
        let metrics = self.metrics
        return loop.scheduleTask(in: .nanoseconds(Clock.nanoseconds(seconds))) {
            metrics.record(series, code: code, seconds: seconds)
            return response
        }.futureResult
    }
}
