/// Everything that can go wrong in the simulated cluster, with a message meant for the user.
///
/// API-level failures become Kubernetes `Status` responses (see ``APIStatus``); the rest are reported by `gantry sim`.
public enum SimError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A request body or file was not valid JSON.
    case badJSON(String)
    /// A request was well-formed JSON but not acceptable (missing name, wrong kind, bad patch...).
    case badRequest(String)
    /// The object does not exist.
    case notFound(resource: String, name: String)
    /// The object changed since the client read it.
    case conflict(resource: String, name: String)
    /// The object already exists.
    case alreadyExists(resource: String, name: String)
    /// The request names a path the simulator does not serve.
    case unknownPath(String)
    /// The HTTP method is not allowed on this path.
    case methodNotAllowed(String)
    /// The content type of a PATCH is not one the simulator understands.
    case unsupportedMediaType(String)
    /// A scenario file could not be read or understood.
    case badScenario(String)
    /// A state file could not be read or written.
    case badState(String)
    /// The server could not listen.
    case cannotListen(String)
    /// A file could not be written.
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .badJSON(let m): return "invalid JSON: \(m)"
        case .badRequest(let m): return m
        case .notFound(let r, let n): return "\(r) \"\(n)\" not found"
        case .alreadyExists(let r, let n): return "\(r) \"\(n)\" already exists"
        case .conflict(let r, let n):
            return "Operation cannot be fulfilled on \(r) \"\(n)\": the object has been modified; please apply your changes to the latest version and try again"
        case .unknownPath(let p): return "the server could not find the requested resource (\(p))"
        case .methodNotAllowed(let m): return "the server does not allow this method on the requested resource (\(m))"
        case .unsupportedMediaType(let t): return "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \(t))"
        case .badScenario(let m): return "scenario: \(m)"
        case .badState(let m): return "state file: \(m)"
        case .cannotListen(let m): return "cannot listen: \(m)"
        case .cannotWrite(let m): return "cannot write: \(m)"
        }
    }
}
