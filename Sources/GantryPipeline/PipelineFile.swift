import Foundation

/// A validated `gantry.yaml`: what is deployed, where, how, and through which stages.
/// Every collection keeps the order of the file.
public struct PipelineFile: Sendable, Equatable {
    /// The application name (a DNS-1123 label); the default deployment and container name.
    public var app: String
    /// The image, without a tag; the version is given at deploy time.
    public var image: ImageReference
    /// The environments, in file order.
    public var environments: [EnvironmentSpec]
    /// The checklists, in file order.
    public var checklists: [ChecklistSpec]
    /// The metrics, in file order.
    public var metrics: [MetricSpec]
    /// When to roll back automatically.
    public var rollback: RollbackPolicy
    /// The stages, in file order (see `stagesInOrder` for execution order).
    public var stages: [StageSpec]
    /// The console's settings (`console:`), e.g. its theme.
    public var console: ConsoleSettings
    /// Where the secrets to mask come from (`secrets:`): their values never reach the log.
    public var secrets = SecretSources()
    /// The text this pipeline was read from, and the file's name ("" for a pipeline built in code):
    /// frozen into every deploy request, so a resume runs what was requested.
    public var source = ""
    public var sourceFile = ""

    /// Creates a pipeline.
    public init(app: String, image: ImageReference, environments: [EnvironmentSpec],
                checklists: [ChecklistSpec] = [], metrics: [MetricSpec] = [],
                rollback: RollbackPolicy = .default, stages: [StageSpec], console: ConsoleSettings = ConsoleSettings()) {
        self.app = app
        self.image = image
        self.environments = environments
        self.checklists = checklists
        self.metrics = metrics
        self.rollback = rollback
        self.stages = stages
        self.console = console
    }

    /// Two pipelines are equal when they say the same; the text they were read from is not compared.
    public static func == (lhs: PipelineFile, rhs: PipelineFile) -> Bool {
        lhs.app == rhs.app && lhs.image == rhs.image && lhs.environments == rhs.environments
            && lhs.checklists == rhs.checklists && lhs.metrics == rhs.metrics && lhs.rollback == rhs.rollback
            && lhs.stages == rhs.stages && lhs.console == rhs.console && lhs.secrets == rhs.secrets
    }

    // MARK: - Lookups

    /// The environment named `name`, if any.
    public func environment(_ name: String) -> EnvironmentSpec? { environments.first { $0.name == name } }

    /// The checklist named `name`, if any.
    public func checklist(_ name: String) -> ChecklistSpec? { checklists.first { $0.name == name } }

    /// The metric named `name`, if any.
    public func metric(_ name: String) -> MetricSpec? { metrics.first { $0.name == name } }

    /// The stage with `id`, if any.
    public func stage(_ id: String) -> StageSpec? { stages.first { $0.id == id } }

    /// The values for `${version}`, `${env}` and `${image}` in a step for `environment`.
    public func placeholderValues(version: String, environment: String?) -> [Placeholder: String] {
        var values: [Placeholder: String] = [.version: version, .image: image.description]
        if let environment { values[.env] = environment }
        return values
    }
}

/// The secrets a deploy must never show (`secrets: { env: [DB_URL, STRIPE_KEY], files: [/run/secrets/db] }`):
/// names of the executor's environment variables and files whose values are masked in every
/// output. The values are read by the executor when it runs; the file holds only the names.
public struct SecretSources: Sendable, Equatable {
    public var environment: [String] = []
    public var files: [String] = []
    public init(environment: [String] = [], files: [String] = []) {
        self.environment = environment
        self.files = files
    }
}
