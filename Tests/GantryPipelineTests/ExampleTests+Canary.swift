import Foundation
import XCTest
@testable import GantryPipeline

extension ExampleTests {
    func testCanary() throws {
        let pipeline = try PipelineLoader.parse(yaml: try TestPaths.example("canary.yaml"), file: "canary.yaml")
        XCTAssertEqual(pipeline.app, "web")
        XCTAssertEqual(pipeline.image.description, "127.0.0.1:5000/shop/web")
        XCTAssertEqual(pipeline.image.tagged("2.1.0"), "127.0.0.1:5000/shop/web:2.1.0")
        XCTAssertEqual(pipeline.environments, [
            EnvironmentSpec(name: "staging", kube: KubeTarget(context: "staging", namespace: "web"),
                            deployment: "web", container: "web", strategy: .rolling,
                            health: HealthCheck(url: "http://staging.internal/healthz", expect: 200)),
            EnvironmentSpec(name: "production", kube: KubeTarget(context: "prod", namespace: "web"),
                            deployment: "web", container: "web",
                            strategy: .canary(CanaryOptions(steps: [10, 25, 50, 100], pauseSeconds: 120, replicas: 10)),
                            health: HealthCheck(url: "http://web.internal/healthz", expect: 200),
                            approvals: ApprovalPolicy(required: 2, from: ["alice", "bob", "carol"], allowSelf: false),
                            requires: ["staging"]),
        ])
        XCTAssertEqual(pipeline.checklists, [
            ChecklistSpec(name: "pre-deploy", items: [
                ChecklistItem(id: "tests", text: "All tests passing", verify: ["./scripts/ci-status", "${version}"]),
                ChecklistItem(id: "review", text: "Code review approved"),
                ChecklistItem(id: "security-scan", text: "Security scan clean",
                              verify: ["./scripts/security-scan", "${image}:${version}"]),
                ChecklistItem(id: "backup", text: "Database backup created", evidence: .required),
                ChecklistItem(id: "migrations", text: "Migrations tested on staging"),
                ChecklistItem(id: "rollback-plan", text: "Rollback plan documented"),
                ChecklistItem(id: "stakeholders", text: "Stakeholders notified"),
                ChecklistItem(id: "change-request", text: "Change request approved", evidence: .required),
            ]),
            ChecklistSpec(name: "post-deploy", items: [
                ChecklistItem(id: "smoke", text: "Key workflows work (smoke tests)", verify: ["./scripts/smoke", "${env}"]),
                ChecklistItem(id: "dashboards", text: "Error rate and latency dashboards normal"),
                ChecklistItem(id: "announce", text: "Release ${version} announced"),
            ]),
        ])
        let query = "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[1m])) by (le))"
        XCTAssertEqual(pipeline.metrics, [
            MetricSpec(name: "error-rate", source: .probe(.health, .errorRatio), warn: 0.01, critical: 0.05),
            MetricSpec(name: "latency-p95", source: .prometheus(query: Template(query)), warn: 1.0, critical: 2.0),
            MetricSpec(name: "ready", source: .kube(.readyReplicas)),
        ])
        XCTAssertEqual(pipeline.rollback, .default)
        XCTAssertEqual(pipeline.stages, [
            StageSpec(id: "build", kind: .dockerBuild(context: ".", tag: "${image}:${version}", dockerfile: nil)),
            StageSpec(id: "push", needs: ["build"], kind: .dockerPush(tag: "${image}:${version}")),
            StageSpec(id: "migrate", needs: ["push"], timeoutSeconds: 600, kind: .run(argv: ["./scripts/migrate", "up"])),
            StageSpec(id: "staging", needs: ["migrate"], kind: .deploy(environment: "staging")),
            StageSpec(id: "prod-gate", needs: ["staging"],
                      kind: .gate([.checklist("pre-deploy"), .approvals(environment: "production")])),
            StageSpec(id: "production", needs: ["prod-gate"], timeoutSeconds: 1800, kind: .deploy(environment: "production")),
            StageSpec(id: "watch", needs: ["production"], kind: .monitor(environment: "production", seconds: 1800)),
            StageSpec(id: "post-deploy", needs: ["watch"], kind: .gate([.checklist("post-deploy")])),
        ])
    }

    func testCanaryExecutorHelpers() throws {
        let pipeline = try PipelineLoader.parse(yaml: try TestPaths.example("canary.yaml"), file: "canary.yaml")
        XCTAssertEqual(pipeline.stagesInOrder.map(\.id),
                       ["build", "push", "migrate", "staging", "prod-gate", "production", "watch", "post-deploy"])
        XCTAssertEqual(pipeline.stages(forDeployTo: "staging").map(\.id), ["build", "push", "migrate", "staging"])
        XCTAssertEqual(pipeline.stages(forDeployTo: "production").map(\.id),
                       ["build", "push", "migrate", "staging", "prod-gate", "production", "watch", "post-deploy"], "the post-deploy checklist is part of it")
        XCTAssertEqual(pipeline.stages(forDeployTo: "qa"), [])
        XCTAssertEqual(pipeline.deployStage(for: "production")?.id, "production")
        XCTAssertEqual(pipeline.monitorStages(for: "production").map(\.id), ["watch"])
        let values = pipeline.placeholderValues(version: "2.1.0", environment: "production")
        XCTAssertEqual(pipeline.stage("build").map { stage -> String in
            guard case .dockerBuild(_, let tag, _) = stage.kind else { return "" }
            return tag.expanded(values)
        }, "127.0.0.1:5000/shop/web:2.1.0")
        XCTAssertEqual(pipeline.checklist("post-deploy")?.item("smoke")?.verify?.map { $0.expanded(values) },
                       ["./scripts/smoke", "production"])
        XCTAssertEqual(pipeline.metric("error-rate")?.level(of: 0.02), .warning)
        XCTAssertEqual(pipeline.metric("error-rate")?.level(of: 0.05), .critical)
        XCTAssertEqual(pipeline.metric("error-rate")?.level(of: 0.001), .normal)
        XCTAssertEqual(pipeline.environment("production")?.strategy.name, "canary")
    }
}
