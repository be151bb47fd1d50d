import Foundation
import XCTest
@testable import GantryPipeline

/// The examples in `examples/` validate cleanly and parse into exactly these models.
final class ExampleTests: XCTestCase {
    private let image = ImageReference(registry: "127.0.0.1:5000", path: "shop/web")

    private func load(_ name: String) throws -> PipelineFile {
        let yaml = try TestPaths.example(name)
        do {
            return try PipelineLoader.parse(yaml: yaml, file: name)
        } catch {
            XCTFail("\(name) should validate:\n\(error)")
            throw error
        }
    }

    func testEveryExampleValidates() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.examples.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(names, ["blue-green.yaml", "canary.yaml", "rolling.yaml"])
        for name in names {
            XCTAssertEqual(PipelineLoader.check(yaml: try TestPaths.example(name), file: name).errors, [], name)
            let loaded = try PipelineLoader.load(path: TestPaths.examples.appendingPathComponent(name).path)
            XCTAssertEqual(loaded, try load(name))
        }
    }

    func testRolling() throws {
        let expected = PipelineFile(
            app: "web", image: image,
            environments: [
                EnvironmentSpec(name: "staging", kube: KubeTarget(context: "staging", namespace: "web"),
                                deployment: "web", container: "web", strategy: .rolling,
                                health: HealthCheck(url: "http://staging.internal/healthz", expect: 200)),
            ],
            checklists: [
                ChecklistSpec(name: "post-deploy", items: [
                    ChecklistItem(id: "smoke", text: "Key workflows work (smoke tests)",
                                  verify: ["./scripts/smoke", "${env}"]),
                ]),
            ],
            metrics: [
                MetricSpec(name: "error-rate", source: .probe(.health, .errorRatio), warn: 0.01, critical: 0.05),
                MetricSpec(name: "restarts", source: .kube(.restarts), warn: 1, critical: 3),
            ],
            rollback: RollbackPolicy(automatic: [.failedHealth, .progressDeadline]),
            stages: [
                StageSpec(id: "build", kind: .dockerBuild(context: ".", tag: "${image}:${version}", dockerfile: nil)),
                StageSpec(id: "push", needs: ["build"], kind: .dockerPush(tag: "${image}:${version}")),
                StageSpec(id: "deploy-staging", needs: ["push"], timeoutSeconds: 300, kind: .deploy(environment: "staging")),
                StageSpec(id: "smoke", needs: ["deploy-staging"], retries: 2, kind: .run(argv: ["./scripts/smoke", "${env}"])),
                StageSpec(id: "watch", needs: ["smoke"], kind: .monitor(environment: "staging", seconds: 600)),
            ])
        XCTAssertEqual(try load("rolling.yaml"), expected)
    }

    func testBlueGreen() throws {
        let expected = PipelineFile(
            app: "web", image: image,
            environments: [
                EnvironmentSpec(name: "production", kube: KubeTarget(context: "prod", namespace: "shop"),
                                deployment: "web-frontend", container: "web",
                                strategy: .blueGreen(BlueGreenOptions(service: "web-frontend",
                                                                      colourLabel: "shop.example.com/colour")),
                                health: HealthCheck(url: "http://web.shop.internal/healthz", expect: 200),
                                approvals: ApprovalPolicy(required: 1, from: ["alice", "bob"], allowSelf: false)),
            ],
            checklists: [
                ChecklistSpec(name: "pre-deploy", items: [
                    ChecklistItem(id: "tests", text: "All tests passing", verify: ["./scripts/ci-status", "${version}"]),
                    ChecklistItem(id: "backup", text: "Database backup created", evidence: .required),
                ]),
            ],
            metrics: [
                MetricSpec(name: "error-rate", source: .probe(.health, .errorRatio), warn: 0.01, critical: 0.05),
                MetricSpec(name: "latency-p99", source: .probe(.url("http://web.shop.internal/"), .latencyP99),
                           warn: 0.5, critical: 1.5),
                MetricSpec(name: "ready", source: .kube(.readyReplicas), warn: 2, critical: 1),
            ],
            rollback: RollbackPolicy(automatic: [.criticalMetric, .failedHealth, .progressDeadline]),
            stages: [
                StageSpec(id: "build", kind: .dockerBuild(context: ".", tag: "${image}:${version}",
                                                          dockerfile: "docker/Dockerfile")),
                StageSpec(id: "selftest", needs: ["build"],
                          kind: .dockerRun(argv: ["--rm", "${image}:${version}", "./selftest"])),
                StageSpec(id: "push", needs: ["selftest"], kind: .dockerPush(tag: "${image}:${version}")),
                StageSpec(id: "gate", needs: ["push"],
                          kind: .gate([.checklist("pre-deploy"), .approvals(environment: "production")])),
                StageSpec(id: "switch", needs: ["gate"], timeoutSeconds: 900, kind: .deploy(environment: "production")),
                StageSpec(id: "watch", needs: ["switch"], kind: .monitor(environment: "production", seconds: 1200)),
            ])
        XCTAssertEqual(try load("blue-green.yaml"), expected)
    }
}
