import Foundation
import XCTest
@testable import GantryPipeline

/// The small value types and helpers of the model.
final class ModelTests: XCTestCase {
    func testTemplateExpansionAndPlaceholders() {
        let template: Template = "${image}:${version} on ${env} costs $5 ${version}"
        XCTAssertEqual(template.placeholders, [.image, .version, .env])
        XCTAssertEqual(template.expanded([.image: "r/app", .version: "1.2", .env: "prod"]), "r/app:1.2 on prod costs $5 1.2")
        XCTAssertEqual(template.expanded([.image: "r/app"]), "r/app: on  costs $5 ")
        XCTAssertNil(Template.problem(in: "plain $HOME and ${env}"))
        XCTAssertEqual(Template.problem(in: "${Version}"), "an unknown placeholder '${Version}', did you mean '${version}'?")
        XCTAssertEqual(Template.problem(in: "a ${env"), "an unterminated placeholder '${env': expected '}'")
    }

    func testImageReferences() {
        XCTAssertEqual(try ImageReference.parse("127.0.0.1:5000/shop/web").get(),
                       ImageReference(registry: "127.0.0.1:5000", path: "shop/web"))
        XCTAssertEqual(try ImageReference.parse("localhost/web").get(), ImageReference(registry: "localhost", path: "web"))
        XCTAssertEqual(try ImageReference.parse("shop/web-app_v2.x").get(), ImageReference(registry: nil, path: "shop/web-app_v2.x"))
        XCTAssertEqual(try ImageReference.parse("ghcr.io/a__b/c--d").get().description, "ghcr.io/a__b/c--d")
        let refused = ["", "web app", "web;ls", "$(id)/x", "`id`", "web|x", "Web", "shop/-web", "shop//web", "web/",
                       "web:1.0", "web@sha256:abc", "host:0/web", "bad_host.io:80/web", "a/b..c", "a/b___c",
                       String(repeating: "a", count: 256)]
        for text in refused {
            XCTAssertThrowsError(try ImageReference.parse(text).get(), text)
        }
    }

    func testDurations() {
        XCTAssertEqual(DurationText.seconds("30s"), 30)
        XCTAssertEqual(DurationText.seconds("2m"), 120)
        XCTAssertEqual(DurationText.seconds("1h"), 3600)
        XCTAssertEqual(DurationText.seconds("1h30m15s"), 5415)
        for bad in ["", "10", "m", "1x", "30s2m", "1m1m", "-5s", "1.5h", "2 m", "9999999999s", "٣s"] {
            XCTAssertNil(DurationText.seconds(bad), bad)
        }
        XCTAssertEqual(DurationText.format(5415), "1h30m15s")
        XCTAssertEqual(DurationText.format(120), "2m")
    }

    func testSuggestions() {
        XCTAssertEqual(Suggest.nearest("strategey", among: PipelineBuilder.environmentKeys), "strategy")
        XCTAssertEqual(Suggest.nearest("biuld", among: ["build", "push"]), "build")
        XCTAssertEqual(Suggest.nearest("Kube", among: PipelineBuilder.environmentKeys), "kube")
        XCTAssertEqual(Suggest.nearest("failed-healthcheck", among: RollbackTrigger.allCases.map(\.rawValue)), "failed-health")
        XCTAssertNil(Suggest.nearest("owner", among: PipelineBuilder.topKeys))
        XCTAssertNil(Suggest.nearest("post-deploy", among: ["pre-deploy"]))
        XCTAssertEqual(Suggest.editDistance("abc", "acb"), 1)
        XCTAssertEqual(Suggest.editDistance("", "abc"), 3)
    }

    func testQuotingEscapesControlCharactersAndClips() {
        XCTAssertEqual(Quote.clip("a\u{1B}[2Jb\n"), "a\\u{1b}[2Jb\\n")
        XCTAssertEqual(Quote.clip(String(repeating: "x", count: 100)), String(repeating: "x", count: 60) + "…")
    }

    func testStageOrderIsTopologicalWithFileOrderAsTieBreak() {
        let stages = [
            StageSpec(id: "deploy", needs: ["test", "push"], kind: .deploy(environment: "prod")),
            StageSpec(id: "test", needs: ["build"], kind: .run(argv: ["make", "test"])),
            StageSpec(id: "build", kind: .dockerBuild(context: ".", tag: StageKind.defaultTag, dockerfile: nil)),
            StageSpec(id: "lint", kind: .run(argv: ["make", "lint"])),
            StageSpec(id: "push", needs: ["build"], kind: .dockerPush(tag: StageKind.defaultTag)),
            StageSpec(id: "watch", needs: ["deploy"], kind: .monitor(environment: "prod", seconds: 60)),
        ]
        let pipeline = PipelineFile(app: "web", image: ImageReference(registry: nil, path: "web"),
                                    environments: [], stages: stages)
        XCTAssertEqual(pipeline.stagesInOrder.map(\.id), ["build", "test", "lint", "push", "deploy", "watch"])
        XCTAssertEqual(pipeline.stages(forDeployTo: "prod").map(\.id), ["build", "test", "push", "deploy", "watch"])
        XCTAssertEqual(pipeline.ancestors(of: ["deploy"]), ["test", "push", "build"])
    }

    func testStageOrderOfAHandBuiltCycleStillListsEveryStageOnce() {
        let stages = [
            StageSpec(id: "a", needs: ["b"], kind: .run(argv: ["true"])),
            StageSpec(id: "b", needs: ["a"], kind: .run(argv: ["true"])),
            StageSpec(id: "c", needs: ["ghost"], kind: .run(argv: ["true"])),
        ]
        let pipeline = PipelineFile(app: "web", image: ImageReference(registry: nil, path: "web"),
                                    environments: [], stages: stages)
        XCTAssertEqual(pipeline.stagesInOrder.map(\.id), ["c", "a", "b"])
    }

    func testCanaryReplicasAndMetricLevels() {
        XCTAssertEqual(CanaryOptions.canaryReplicas(percent: 10, of: 4), 1)
        XCTAssertEqual(CanaryOptions.canaryReplicas(percent: 50, of: 5), 3)
        XCTAssertEqual(CanaryOptions.canaryReplicas(percent: 100, of: 5), 5)
        XCTAssertEqual(CanaryOptions.canaryReplicas(percent: 10, of: 0), 0)
        let ready = MetricSpec(name: "ready", source: .kube(.readyReplicas), warn: 2, critical: 1)
        XCTAssertEqual(ready.direction, .lowerIsWorse)
        XCTAssertEqual([3, 2, 1, 0].map { ready.level(of: $0) }, [.normal, .warning, .critical, .critical])
    }

    func testDefaultsApplyWhenKeysAreLeftOut() throws {
        let yaml = """
            app: shop
            image: localhost:5000/shop
            environments:
              qa:
                kube: { context: qa, namespace: shop }
                strategy: blue-green
              prod:
                kube: { context: prod, namespace: shop }
                strategy: canary
                canary: { steps: [100] }
            stages:
              - { id: qa, deploy: qa }
              - { id: prod, deploy: prod, needs: [qa] }
            """
        let pipeline = try PipelineLoader.parse(yaml: yaml, file: "defaults.yaml")
        XCTAssertEqual(pipeline.environment("qa"), EnvironmentSpec(
            name: "qa", kube: KubeTarget(context: "qa", namespace: "shop"), deployment: "shop", container: "shop",
            strategy: .blueGreen(BlueGreenOptions(service: "shop", colourLabel: "colour"))))
        XCTAssertEqual(pipeline.environment("prod")?.strategy, .canary(CanaryOptions(steps: [100], pauseSeconds: 60)))
        XCTAssertEqual(pipeline.environment("prod")?.approvals, .notRequired)
        XCTAssertEqual(pipeline.rollback, RollbackPolicy(automatic: [.criticalMetric, .failedHealth, .progressDeadline]))
        XCTAssertEqual(pipeline.checklists, [])
        XCTAssertEqual(pipeline.metrics, [])
        XCTAssertEqual(pipeline.stage("prod"), StageSpec(id: "prod", needs: ["qa"], kind: .deploy(environment: "prod")))
    }

    func testAnchorsAndAliasesAsValuesAreAccepted() throws {
        let yaml = """
            app: web
            image: 127.0.0.1:5000/shop/web
            environments:
              blue:
                kube: &prod { context: prod, namespace: web }
                health: &health { url: "http://web.internal/healthz" }
              green:
                kube: *prod
                health: *health
            stages:
              - { id: blue, deploy: blue }
              - { id: green, deploy: green, needs: [blue] }
            """
        let pipeline = try PipelineLoader.parse(yaml: yaml, file: "anchors.yaml")
        XCTAssertEqual(pipeline.environment("green")?.kube, KubeTarget(context: "prod", namespace: "web"))
        XCTAssertEqual(pipeline.environment("green")?.health, HealthCheck(url: "http://web.internal/healthz"))
    }
}
