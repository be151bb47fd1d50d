import Foundation
import GantryCore
import Yams

/// A reference by name to a stage, environment or checklist, with where it was written.
struct Reference {
    let name: String
    let position: Position
    let path: String
}

/// Walks the composed YAML tree, builds the model, and reports every problem to the sink.
/// Cross-references (needs, environments, checklists, cycles) are checked afterwards by
/// `PipelineValidator` from what the builder recorded.
final class PipelineBuilder {
    let sink: DiagnosticSink
    let duplicates: DuplicateTable
    var references = References()

    init(sink: DiagnosticSink, duplicates: DuplicateTable) {
        self.sink = sink
        self.duplicates = duplicates
    }

    static let topKeys = ["app", "image", "environments", "checklists", "metrics", "rollback", "stages", "console", "secrets"]

    /// Builds the pipeline, or returns nil when anything is wrong (the sink has the reasons).
    func build(_ root: Node) -> PipelineFile? {
        let top = Value(node: root, path: "", label: "the pipeline file")
        if root.isNullScalar {
            sink.error(YAMLDocument.emptyMessage, at: root.position, path: "")
            return nil
        }
        guard case .mapping = root else {
            sink.error("the top level of the pipeline file must be a mapping with keys 'app', 'image', "
                + "'environments' and 'stages', got \(top.got)", at: root.position, path: "")
            return nil
        }
        guard let reader = mapping(top, context: "at the top level") else { return nil }
        checkKeys(reader, allowed: Self.topKeys)

        let app = require(reader, "app").flatMap { name($0, what: "app name", rule: .label) }
        let image = require(reader, "image").flatMap(imageReference)
        let environments = require(reader, "environments").flatMap { environmentList($0, app: app) }
        let checklists = reader["checklists"].map(checklistList) ?? []
        let metrics = reader["metrics"].map(metricList) ?? []
        let rollback = reader["rollback"].map(rollbackPolicy) ?? .default
        let stages = require(reader, "stages").flatMap(stageList)
        let console = reader["console"].map(consoleSettings) ?? ConsoleSettings()
        let secrets = reader["secrets"].map(secretSources) ?? SecretSources()

        PipelineValidator(sink: sink, references: references).validate()
        guard let app, let image, let environments, let checklists, let metrics, let rollback, let stages,
              let console, let secrets else {
            return nil
        }
        var file = PipelineFile(app: app, image: image, environments: environments, checklists: checklists,
                                metrics: metrics, rollback: rollback, stages: stages, console: console)
        file.secrets = secrets
        return file
    }

    /// `secrets: { env: [NAME, ...], files: [PATH, ...] }`.
    func secretSources(_ value: Value) -> SecretSources? {
        guard let reader = mapping(value, context: "in 'secrets'", what: "a mapping with 'env' and 'files'") else { return nil }
        checkKeys(reader, allowed: ["env", "files"])
        var sources = SecretSources()
        var failed = false
        for (key, _) in [("env", 0), ("files", 1)] {
            guard let list = reader[key] else { continue }
            guard case .sequence(let items) = list.node else {
                sink.error("'\(key)' in 'secrets' must be a list, got \(list.got)", at: list.position, path: list.path)
                failed = true
                continue
            }
            for (index, item) in items.enumerated() {
                let entry = Value(node: item, path: list.path + "[\(index)]", label: "\(key)[\(index)]")
                guard let text = string(entry) else { failed = true; continue }
                let valid = key == "env"
                    ? !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" }
                    : text.hasPrefix("/") && !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
                guard valid else {
                    sink.error(key == "env" ? "secret variable '\(Quote.clip(text))' must be a name of letters, digits and '_'"
                                            : "secret file '\(Quote.clip(text))' must be an absolute path",
                               at: entry.position, path: entry.path)
                    failed = true
                    continue
                }
                if key == "env" { sources.environment.append(text) } else { sources.files.append(text) }
            }
        }
        return failed ? nil : sources
    }

    // MARK: - Names and the image

    enum NameRule {
        case label
        case subdomain
    }

    /// Reads a Kubernetes name, checking it against `NameRules`.
    func name(_ value: Value, what: String, rule: NameRule) -> String? {
        guard let text = string(value) else { return nil }
        let valid = rule == .label ? NameRules.isDNS1123Label(text) : NameRules.isDNS1123Subdomain(text)
        guard valid else {
            let expected = rule == .label
                ? "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
                : "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters"
            sink.error("\(what) '\(Quote.clip(text))' is not a valid Kubernetes name; expected \(expected)",
                       at: value.position, path: value.path)
            return nil
        }
        return text
    }

    private func imageReference(_ value: Value) -> ImageReference? {
        guard let text = string(value) else { return nil }
        switch ImageReference.parse(text) {
        case .success(let image): return image
        case .failure(let problem):
            sink.error("unsafe image reference '\(Quote.clip(text))': \(problem.message)",
                       at: value.position, path: value.path)
            return nil
        }
    }

    // MARK: - Rollback

    private func rollbackPolicy(_ value: Value) -> RollbackPolicy? {
        guard let reader = mapping(value, context: "in 'rollback'") else { return nil }
        checkKeys(reader, allowed: ["automatic"])
        guard let automatic = reader["automatic"] else { return .default }
        guard let items = list(automatic, what: "a list of triggers (\(RollbackTrigger.allCases.map(\.rawValue).joined(separator: ", ")))") else {
            return nil
        }
        var triggers: [RollbackTrigger] = []
        var failed = false
        for item in items {
            guard let trigger = choice(item, RollbackTrigger.self) else { failed = true; continue }
            if triggers.contains(trigger) {
                sink.error("'\(trigger.rawValue)' is listed twice in 'automatic'", at: item.position, path: item.path)
                failed = true
            }
            triggers.append(trigger)
        }
        return failed ? nil : RollbackPolicy(automatic: triggers)
    }
}
