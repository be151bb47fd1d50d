import Foundation

/// One stage of the pipeline: what it does, what it waits for, and how long it may take.
public struct StageSpec: Sendable, Equatable {
    /// The stage id (a DNS-1123 label), unique in the pipeline.
    public var id: String
    /// Ids of stages that must succeed before this one starts, in file order.
    public var needs: [String]
    /// The time limit in seconds, or nil for none.
    public var timeoutSeconds: Int?
    /// How many times a failed attempt is retried (default 0).
    public var retries: Int
    /// What the stage does.
    public var kind: StageKind

    /// Creates a stage.
    public init(id: String, needs: [String] = [], timeoutSeconds: Int? = nil, retries: Int = 0, kind: StageKind) {
        self.id = id
        self.needs = needs
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.kind = kind
    }

    /// The environment this stage deploys to or monitors, if any.
    public var environment: String? {
        switch kind {
        case .deploy(let environment), .monitor(let environment, _): return environment
        default: return nil
        }
    }
}

/// What a stage does. Every argument list is run without a shell.
public enum StageKind: Sendable, Equatable {
    /// `docker build -t TAG [-f DOCKERFILE] CONTEXT`.
    case dockerBuild(context: Template, tag: Template, dockerfile: Template?)
    /// `docker push TAG`.
    case dockerPush(tag: Template)
    /// `docker run ARGV...` (the arguments after `docker run`).
    case dockerRun(argv: [Template])
    /// A command run as an argument array.
    case run(argv: [Template])
    /// Deploy the version to an environment with its strategy.
    case deploy(environment: String)
    /// Wait until every condition holds.
    case gate([GateCondition])
    /// Watch an environment's metrics for a duration (seconds); rollback triggers apply.
    case monitor(environment: String, seconds: Int)

    /// The default image tag for build and push: `${image}:${version}`.
    public static let defaultTag: Template = "${image}:${version}"

    /// A short name for the kind: `docker build`, `docker push`, `docker run`, `run`, `deploy`, `gate`, `monitor`.
    public var name: String {
        switch self {
        case .dockerBuild: return "docker build"
        case .dockerPush: return "docker push"
        case .dockerRun: return "docker run"
        case .run: return "run"
        case .deploy: return "deploy"
        case .gate: return "gate"
        case .monitor: return "monitor"
        }
    }
}

/// A condition a gate waits for.
public enum GateCondition: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every item of the named checklist is ticked (with evidence where required).
    case checklist(String)
    /// The named environment's approval policy is satisfied.
    case approvals(environment: String)

    /// The form used in the file: `checklist:NAME` or `approvals:ENV`.
    public var description: String {
        switch self {
        case .checklist(let name): return "checklist:\(name)"
        case .approvals(let environment): return "approvals:\(environment)"
        }
    }
}
