import NIOConcurrencyHelpers
import NIOCore

/// The API server as an HTTP responder: the API handler plus fault injection and the `/sim/faults` control path.
struct APIResponder: HTTPResponder {
    let api: APIHandler
    let faults: NIOLockedValueBox<Faults>

    /// Whether a path addresses resources (faults apply) rather than version, discovery or OpenAPI.
    static func isResourcePath(_ path: String) -> Bool {
        var segs = path.split(separator: "/")
        if segs.count >= 2, segs[0] == "clusters" { segs.removeFirst(2) }
        if segs.first == "api" { return segs.count >= 3 }
        if segs.first == "apis" { return segs.count >= 4 }
        return false
    }

    func respond(_ request: APIRequest, on loop: any EventLoop) -> EventLoopFuture<APIResponse> {
        if request.path == "/sim/faults" || (request.path.hasPrefix("/clusters/") && request.path.hasSuffix("/sim/faults")) { return loop.makeSucceededFuture(control(request)) }
        var response = api.handle(request)
        let f = faults.withLockedValue { $0 }
        if Self.isResourcePath(request.path), f.apiErrorRate > 0, Double.random(in: 0..<1) < f.apiErrorRate {
            if f.apiErrorCode == 429 {
                var r = APIResponse.failure(code: 429, reason: "TooManyRequests", message: "the server has received too many requests and has asked us to try again later",
                                            details: ["retryAfterSeconds": 1])
                if case .full(let s, let t, let b, _) = r { r = .full(status: s, contentType: t, body: b, extraHeaders: [("Retry-After", "1")]) }
                response = r
            } else {
                response = .failure(code: f.apiErrorCode, reason: "InternalError",
                                    message: "an error on the server (\"injected fault\") has prevented the request from succeeding")
            }
        }
        if case .watch(var plan) = response, let drop = f.watchDropSeconds {
            plan.dropAfterSeconds = drop
            response = .watch(plan)
        }
        guard f.apiDelayMs > 0, Self.isResourcePath(request.path) else { return loop.makeSucceededFuture(response) }
        let answer = response
        return loop.scheduleTask(in: .nanoseconds(Clock.nanoseconds(f.apiDelayMs / 1000))) { answer }.futureResult
    }

    private func control(_ request: APIRequest) -> APIResponse {
        if request.method == "PUT" || request.method == "POST" {
            do {
                let body = try JSON.parse(bytes: request.body)
                let s = try Scenario.parse(["faults": body])
                faults.withLockedValue { $0 = s.faults }
            } catch {
                return .status(error)
            }
        }
        let f = faults.withLockedValue { $0 }
        var out: JSON = ["apiErrorRate": .double(f.apiErrorRate), "apiErrorCode": .int(f.apiErrorCode),
                         "apiDelayMs": .double(f.apiDelayMs)]
        if let d = f.watchDropSeconds { out["watchDropSeconds"] = .double(d) }
        return .json(out)
    }
}
