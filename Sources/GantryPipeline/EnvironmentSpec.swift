import Foundation

/// One deploy target: where it lives in Kubernetes, how a new version reaches it,
/// how its health is checked, and who must approve a deploy to it.
public struct EnvironmentSpec: Sendable, Equatable {
    /// The environment name (a DNS-1123 label), e.g. `production`.
    public var name: String
    /// The kubeconfig context and namespace to use.
    public var kube: KubeTarget
    /// The Deployment to update (defaults to the app name).
    public var deployment: String
    /// The container within the Deployment whose image is set (defaults to the app name).
    public var container: String
    /// How a new version is rolled out.
    public var strategy: DeployStrategy
    /// The HTTP health check, if any.
    public var health: HealthCheck?
    /// Who must approve a deploy here (`ApprovalPolicy.notRequired` when not configured).
    public var approvals: ApprovalPolicy
    /// Environments where the same version must have succeeded first, in file order.
    public var requires: [String]
    /// How a deploy here is verified after its rollout (`verify:`).
    public var verify: VerifyWindow
    /// The Service and URL that reach only the new version (blue-green: the idle colour, checked
    /// before the switch; canary: the canary's pods, analysed on their own traffic) (`preview:`).
    public var preview: PreviewEndpoint?

    /// Creates an environment.
    public init(name: String, kube: KubeTarget, deployment: String, container: String,
                strategy: DeployStrategy = .rolling, health: HealthCheck? = nil,
                approvals: ApprovalPolicy = .notRequired, requires: [String] = [], verify: VerifyWindow = .standard) {
        self.name = name
        self.kube = kube
        self.deployment = deployment
        self.container = container
        self.strategy = strategy
        self.health = health
        self.approvals = approvals
        self.requires = requires
        self.verify = verify
    }
}

/// A kubeconfig context and a namespace, passed as `--context` and `--namespace`.
public struct KubeTarget: Sendable, Equatable {
    /// The kubeconfig context name.
    public var context: String
    /// The namespace (a DNS-1123 label).
    public var namespace: String

    /// Creates a target.
    public init(context: String, namespace: String) {
        self.context = context
        self.namespace = namespace
    }
}

/// The verification window after a rollout (`verify: { for: 30s, interval: 1s, health-successes: 3 }`,
/// or `verify: off`): the executor samples the pipeline's metrics and the health check for
/// `seconds`, every `interval`, and the rollback triggers apply as they do during a canary. The
/// health check passes after `healthSuccesses` successes in a row. A window with nothing to
/// sample (no health check, no metric) is skipped.
public struct VerifyWindow: Sendable, Equatable {
    public var seconds: Int
    public var interval: Int
    public var healthSuccesses: Int

    /// 30 s, every second, 3 successful health checks in a row.
    public static let standard = VerifyWindow(seconds: 30, interval: 1, healthSuccesses: 3)
    /// No window (`verify: off`): only the health check after the rollout.
    public static let off = VerifyWindow(seconds: 0, interval: 1, healthSuccesses: 3)

    public init(seconds: Int, interval: Int, healthSuccesses: Int) {
        self.seconds = seconds
        self.interval = interval
        self.healthSuccesses = healthSuccesses
    }
}

/// A Service Gantry points at the new version alone (`preview: { service: web-preview, url: http://… }`),
/// and the base URL that reaches it: the health check and the health-probe metrics are run
/// against it (the health URL's path on this base) before the new version takes traffic.
public struct PreviewEndpoint: Sendable, Equatable {
    public var service: String
    public var url: Template

    public init(service: String, url: Template) {
        self.service = service
        self.url = url
    }
}

/// An HTTP health check: GET `url`, expect `expect` as the status code.
public struct HealthCheck: Sendable, Equatable {
    /// The URL to probe; may contain `${env}` and `${version}`.
    public var url: Template
    /// The expected HTTP status (default 200).
    public var expect: Int

    /// Creates a health check.
    public init(url: Template, expect: Int = 200) {
        self.url = url
        self.expect = expect
    }
}

/// How many approvals a deploy needs and from whom.
public struct ApprovalPolicy: Sendable, Equatable {
    /// The number of distinct approvals needed (0 = none).
    public var required: Int
    /// Who may approve; empty means anyone.
    public var from: [String]
    /// Whether the person who started the deploy may approve it (default false).
    public var allowSelf: Bool

    /// Creates a policy.
    public init(required: Int, from: [String] = [], allowSelf: Bool = false) {
        self.required = required
        self.from = from
        self.allowSelf = allowSelf
    }

    /// No approvals needed.
    public static let notRequired = ApprovalPolicy(required: 0)
}
