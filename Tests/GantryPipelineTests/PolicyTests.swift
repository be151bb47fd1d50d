import Foundation
import GantryCore
import XCTest
@testable import GantryPipeline

/// What `deployPolicy(for:)` freezes into `deploy.requested`.
final class PolicyTests: XCTestCase {
    func testMetricThresholdsAreFrozenIntoThePolicyInFileOrder() throws {
        let file = try PipelineLoader.parse(yaml: try TestPaths.example("blue-green.yaml"), file: "blue-green.yaml")
        let policy = try XCTUnwrap(file.deployPolicy(for: "production"))
        XCTAssertEqual(policy.metrics, [
            MetricPlan(name: "error-rate", warn: 0.01, critical: 0.05, unit: .ratio),
            MetricPlan(name: "latency-p99", warn: 0.5, critical: 1.5, unit: .seconds),
            MetricPlan(name: "ready", warn: 2, critical: 1, lowerIsWorse: true, unit: .count),
        ])
    }

    func testAMetricWithoutThresholdsIsFrozenWithout() throws {
        let yaml = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
        metrics:
          ready: { kube: ready-replicas }
          errors: { probe: health, measure: error-ratio, critical: 0.1 }
        stages:
          - { id: staging, deploy: staging }
        """
        let policy = try XCTUnwrap(try PipelineLoader.parse(yaml: yaml, file: "gantry.yaml").deployPolicy(for: "staging"))
        XCTAssertEqual(policy.metrics, [MetricPlan(name: "ready", lowerIsWorse: true, unit: .count),
                                        MetricPlan(name: "errors", critical: 0.1, unit: .ratio)])
    }

    /// A metric's unit comes from its source, or from `unit:` (a Prometheus query has none
    /// unless it says); a wrong unit is named with its position and the known ones.
    func testAMetricsUnitIsItsSourcesOrDeclared() throws {
        let yaml = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
        metrics:
          p95: { prometheus: "histogram_quantile(0.95, x)", unit: seconds }
          raw: { prometheus: "sum(y)" }
        stages:
          - { id: staging, deploy: staging }
        """
        let file = try PipelineLoader.parse(yaml: yaml, file: "gantry.yaml")
        XCTAssertEqual(try XCTUnwrap(file.deployPolicy(for: "staging")).metrics.map(\.unit), [.seconds, MetricUnit.none])
        let wrong = yaml.replacingOccurrences(of: "unit: seconds", with: "unit: secs")
        XCTAssertThrowsError(try PipelineLoader.parse(yaml: wrong, file: "gantry.yaml")) { error in
            XCTAssertTrue("\(error)".contains("gantry.yaml:6:59: error: 'unit' must be one of ratio, seconds, count (ratio shows "
                                                + "0.05 as 5%, seconds shows 0.012 as 12 ms), got 'secs'"), "\(error)")
        }
        XCTAssertEqual(MetricUnit.ratio.format(0.072), "7.2%")
        XCTAssertEqual(MetricUnit.ratio.format(0.15), "15%")
        XCTAssertEqual(MetricUnit.ratio.format(0.0004), "0.04%")
        XCTAssertEqual(MetricUnit.seconds.format(0.01207), "12 ms")
        XCTAssertEqual(MetricUnit.seconds.format(0.0015), "1.5 ms")
        XCTAssertEqual(MetricUnit.seconds.format(1.25), "1.3 s", "halves round away from zero")
        XCTAssertEqual(MetricUnit.count.format(5), "5")
        XCTAssertEqual(MetricUnit.none.format(0.072), "0.072")
    }

    /// `bad: below` makes any metric lower-is-worse (a Prometheus count of available pods); a
    /// wrong value is named with its position.
    func testAMetricSaysWhichSideIsBad() throws {
        let yaml = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
        metrics:
          available: { prometheus: "sum(kube_available)", warn: 3, critical: 2, bad: below }
          errors: { probe: health, measure: error-ratio, critical: 0.1, bad: above }
        stages:
          - { id: staging, deploy: staging }
        """
        let file = try PipelineLoader.parse(yaml: yaml, file: "gantry.yaml")
        XCTAssertEqual(file.metric("available")?.direction, .lowerIsWorse)
        XCTAssertEqual(file.metric("available")?.level(of: 2), .critical)
        XCTAssertEqual(file.metric("available")?.level(of: 5), .normal)
        XCTAssertEqual(try XCTUnwrap(file.deployPolicy(for: "staging")).metrics,
                       [MetricPlan(name: "available", warn: 3, critical: 2, lowerIsWorse: true),
                        MetricPlan(name: "errors", critical: 0.1, unit: .ratio)])
        let wrong = yaml.replacingOccurrences(of: "bad: below", with: "bad: under")
        XCTAssertThrowsError(try PipelineLoader.parse(yaml: wrong, file: "gantry.yaml")) { error in
            XCTAssertTrue("\(error)".contains("gantry.yaml:6:78: error: 'bad' must be 'above' (higher values are worse) or 'below' "
                                                + "(lower values are worse), got 'under'"), "\(error)")
        }
    }

    func testDeployStagesNameTheirEnvironment() throws {
        let file = try PipelineLoader.parse(yaml: try TestPaths.example("canary.yaml"), file: "canary.yaml")
        let policy = try XCTUnwrap(file.deployPolicy(for: "production"))
        XCTAssertEqual(policy.stages.map(\.id), ["build", "push", "migrate", "staging", "prod-gate", "production", "watch", "post-deploy"])
        XCTAssertEqual(policy.stages.map(\.environment), [nil, nil, nil, "staging", nil, "production", nil, nil])
    }

    func testTheEnvironmentOfAStageIsTheNearestDeployItFollows() throws {
        let yaml = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
          production: { kube: { context: prod, namespace: web } }
        stages:
          - { id: build, run: [make] }
          - { id: staging, deploy: staging, needs: [build] }
          - { id: smoke-staging, run: [./smoke, "${env}"], needs: [staging] }
          - { id: production, deploy: production, needs: [smoke-staging] }
          - { id: watch, monitor: production, for: 1m, needs: [production] }
          - { id: smoke-production, run: [./smoke, "${env}"], needs: [watch] }
        """
        let file = try PipelineLoader.parse(yaml: yaml, file: "gantry.yaml")
        XCTAssertEqual(["build", "staging", "smoke-staging", "production", "watch", "smoke-production", "nope"]
            .map { file.environment(ofStage: $0) }, [nil, "staging", "staging", "production", "production", "production", nil])
    }
}
