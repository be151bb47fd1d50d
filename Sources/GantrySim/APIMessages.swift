/// A request to the simulated API server, decoupled from the HTTP library.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var accept: String
    var contentType: String
    var body: [UInt8]

    /// Splits `uri` into path and decoded query parameters.
    init(method: String, uri: String, accept: String = "", contentType: String = "", body: [UInt8] = []) {
        self.method = method
        self.accept = accept
        self.contentType = contentType
        self.body = body
        var q: [String: String] = [:]
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            for pair in uri[uri.index(after: mark)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = Self.decode(String(kv[0]))
                q[k] = kv.count > 1 ? Self.decode(String(kv[1])) : ""
            }
        } else {
            path = uri
        }
        query = q
    }

    /// Whether the client asked for server-side printing.
    var wantsTable: Bool { accept.contains("as=Table") }

    static func decode(_ s: String) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "+") { out.append(0x20); i += 1; continue }
            if c == UInt8(ascii: "%"), i + 2 < bytes.count,
               let v = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What the API server answers: a whole body, or a watch stream the HTTP layer runs.
enum APIResponse: Sendable {
    case full(status: Int, contentType: String, body: [UInt8], extraHeaders: [(String, String)])
    case watch(WatchPlan)

    static func json(_ value: JSON, status: Int = 200, contentType: String = "application/json") -> APIResponse {
        .full(status: status, contentType: contentType, body: JSONWriter.bytes(value), extraHeaders: [])
    }

    static func text(_ s: String, status: Int = 200) -> APIResponse {
        .full(status: status, contentType: "text/plain; charset=utf-8", body: Array(s.utf8), extraHeaders: [])
    }

    /// A Kubernetes `Status` failure for an error.
    static func status(_ error: SimError, resource: ResourceKind? = nil) -> APIResponse {
        var code = 400
        var reason = "BadRequest"
        var details: JSON = .null
        switch error {
        case .notFound(let r, let name):
            code = 404
            reason = "NotFound"
            let parts = r.split(separator: ".", maxSplits: 1).map(String.init)
            details = ["name": .string(name), "kind": .string(parts[0])]
            if parts.count > 1 { details["group"] = .string(parts[1]) }
        case .alreadyExists(let r, let name):
            code = 409
            reason = "AlreadyExists"
            let parts = r.split(separator: ".", maxSplits: 1).map(String.init)
            details = ["name": .string(name), "kind": .string(parts[0])]
            if parts.count > 1 { details["group"] = .string(parts[1]) }
        case .conflict(let r, let name):
            code = 409
            reason = "Conflict"
            let parts = r.split(separator: ".", maxSplits: 1).map(String.init)
            details = ["name": .string(name), "kind": .string(parts[0])]
            if parts.count > 1 { details["group"] = .string(parts[1]) }
        case .unknownPath:
            code = 404
            reason = "NotFound"
        case .methodNotAllowed:
            code = 405
            reason = "MethodNotAllowed"
        case .unsupportedMediaType:
            code = 415
            reason = "UnsupportedMediaType"
        default: break
        }
        return failure(code: code, reason: reason, message: error.description, details: details)
    }

    static func failure(code: Int, reason: String, message: String, details: JSON = .null) -> APIResponse {
        var s: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                       "message": .string(message), "reason": .string(reason), "code": .int(code)]
        if !details.isNull { s["details"] = details }
        return .json(s, status: code)
    }
}

/// Everything the HTTP layer needs to run one watch.
struct WatchPlan: Sendable {
    let cluster: Cluster
    let resource: ResourceKind
    let namespace: String?
    let since: Int?
    let filter: @Sendable (JSON) -> Bool
    /// Start with synthetic ADDED events for the objects that exist now ("any" resource version).
    let initialEvents: Bool
    let timeoutSeconds: Double
    let asTable: Bool
    let includeObject: String?
    let bookmarks: Bool
    /// Fault injection: cut the connection after this many seconds.
    var dropAfterSeconds: Double? = nil
}
