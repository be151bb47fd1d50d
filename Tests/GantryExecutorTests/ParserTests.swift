import Foundation
import GantryCore
@testable import GantryExecutor
import XCTest

/// Parsers fed with output captured from the real tools.
final class ParserTests: XCTestCase {
    func testDeploymentStatusFromRealWatchStream() throws {
        let statuses = try FixtureText.lines("kubectl-watch-rollout.jsonl").compactMap(DeploymentStatus.init(json:))
        XCTAssertEqual(statuses.count, 10)
        XCTAssertTrue(statuses[0].isComplete, "the synthetic ADDED event shows the finished previous rollout")
        XCTAssertEqual(statuses[0].images, ["127.0.0.1:5000/shop/web:1.1.0"])
        XCTAssertFalse(statuses[1].isComplete)
        XCTAssertEqual(statuses[1].images, ["127.0.0.1:5000/shop/web:1.5.0"])
        XCTAssertEqual(statuses[1].waitingFor, "waiting for the spec update to be observed")
        XCTAssertEqual(statuses[3].waitingFor, "1 of 3 new replicas updated")
        XCTAssertEqual(statuses.last!.waitingFor, "1 old replicas pending termination", "the capture ends just before the end")
        // Surge pods are created before they are ready: "available" still counts the old pods,
        // so a new pod counts only once available exceeds the old pods still running.
        XCTAssertEqual(statuses.map(\.newReady), [3, 0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(statuses.map(\.desired), Array(repeating: 3, count: 10))
    }

    func testDeploymentStatusRules() {
        var status = DeploymentStatus()
        status.generation = 2
        status.observedGeneration = 1
        status.desired = 3
        XCTAssertEqual(status.waitingFor, "waiting for the spec update to be observed")
        status.observedGeneration = 2
        status.updated = 1
        XCTAssertEqual(status.waitingFor, "1 of 3 new replicas updated")
        status.updated = 3
        status.replicas = 4
        XCTAssertEqual(status.waitingFor, "1 old replicas pending termination")
        status.replicas = 3
        status.available = 2
        XCTAssertEqual(status.waitingFor, "2 of 3 updated replicas available")
        status.available = 3
        XCTAssertTrue(status.isComplete)
        XCTAssertNil(DeploymentStatus(json: "not json"))
        XCTAssertNil(DeploymentStatus(json: #"{"kind":"Service"}"#))
    }

    func testPodDiagnosisOfRealCrashLoop() throws {
        let text = try FixtureText.text("kubectl-pods-crashloop.json")
        XCTAssertEqual(PodDiagnosis.explain(podListJSON: text),
                       "1 pod CrashLoopBackOff (1 restarts): last log 'panic: simulated crash in version 1.6.0-crashloop'")
        XCTAssertEqual(MetricAnalyzer.restarts(podListJSON: text), 1)
        XCTAssertNil(PodDiagnosis.explain(podListJSON: #"{"items":[]}"#))
    }

    func testDockerProgress() {
        XCTAssertTrue(DockerProgress.buildStep("Step 4/7 : RUN make")! == (4, 7))
        XCTAssertTrue(DockerProgress.buildStep("#7 [2/3] RUN make")! == (2, 3))
        XCTAssertNil(DockerProgress.buildStep("Step x/7 : RUN make"))
        XCTAssertNil(DockerProgress.buildStep("Successfully built 0123"))
        XCTAssertTrue(DockerProgress.isPushedLayer("5f70bf18a086: Pushed"))
        XCTAssertFalse(DockerProgress.isPushedLayer("5f70bf18a086: Preparing"))
    }

    /// Output of the real docker CLI 28.2 against podman 4.3 (legacy builder), kept as fixtures.
    func testDockerProgressOfRealPodmanOutput() throws {
        let build = try FixtureText.lines("docker-build-podman.stdout")
        XCTAssertEqual(build.compactMap(DockerProgress.buildStep).map { "\($0.0)/\($0.1)" }, ["1/5", "2/5", "3/5", "4/5", "5/5"])
        let failed = try FixtureText.lines("docker-build-fail-podman.stdout")
        XCTAssertEqual(failed.compactMap(DockerProgress.buildStep).map { "\($0.0)/\($0.1)" }, ["1/3", "2/3", "3/3"])
        let push = try FixtureText.lines("docker-push-podman.stdout")
        XCTAssertEqual(push.compactMap(DockerProgress.pushedDigest), ["sha256:19ea6a84513a"])
        XCTAssertFalse(push.contains(where: DockerProgress.isPushedLayer))
        XCTAssertNil(DockerProgress.pushedDigest("1.0.1: digest: sha256:19ea"))
    }

    func testLineSplitterBoundsRepairsAndJoinsChunks() {
        var splitter = LineSplitter(maximumLength: 16)
        XCTAssertEqual(splitter.feed(Array("hel".utf8)), [])
        XCTAssertEqual(splitter.feed(Array("lo\r\nwor".utf8)), ["hello"])
        XCTAssertEqual(splitter.feed([0xFF, 0x0A]), ["wor\u{FFFD}"])
        XCTAssertEqual(splitter.feed(Array(String(repeating: "x", count: 40).utf8) + [0x0A]),
                       [String(repeating: "x", count: 16) + " … [24 more bytes cut]"])
        XCTAssertEqual(splitter.feed(Array("tail".utf8)), [])
        XCTAssertEqual(splitter.finish(), "tail")
        XCTAssertNil(splitter.finish())
        var wide = LineSplitter()
        XCTAssertEqual(wide.feed(Array("context 1.9MB\r\r\n 10%\r 55%\r100% done\n".utf8)), ["context 1.9MB", "100% done"])
        // A progress line longer than the limit before its last rewrite still ends with that rewrite.
        var narrow = LineSplitter(maximumLength: 16)
        XCTAssertEqual(narrow.feed(Array((String(repeating: "#", count: 40) + "\rdone 100%\n").utf8)), ["done 100%"])
    }

    func testRedactorHidesEveryForm() {
        let redactor = Redactor(secrets: ["s3cr3t/p@ss", "line-one-secret\nline-two-secret"])
        let b64 = Data("s3cr3t/p@ss".utf8).base64EncodedString()
        for text in ["token s3cr3t/p@ss end", "b64 \(b64)", "url s3cr3t%2Fp%40ss", #"json "s3cr3t\/p@ss""#,
                     "multi line-two-secret"] {
            let out = redactor.redact(text)
            XCTAssertTrue(out.contains(Redactor.mask), "\(text) -> \(out)")
            XCTAssertFalse(out.contains("s3cr3t") || out.contains(b64) || out.contains("line-two-secret"), out)
        }
        XCTAssertEqual(Redactor(secrets: ["ab"]).redact("abc"), "abc", "too-short secrets are ignored")
    }

    func testKubectlArgvIsExactAndShellFree() {
        let kubectl = Kubectl(context: "prod", namespace: "web")
        XCTAssertEqual(kubectl.setImage(deployment: "web", container: "web", image: "r/web:2.1.0"),
                       ["kubectl", "--context", "prod", "--namespace", "web", "set", "image", "deployment/web", "web=r/web:2.1.0"])
        XCTAssertEqual(kubectl.watchDeployment("web"),
                       ["kubectl", "--context", "prod", "--namespace", "web", "get", "deployment", "web", "--watch",
                        "--output-watch-events", "-o", "json"])
        XCTAssertEqual(kubectl.patchService("web", selector: ["colour": "green", "app": "web"]),
                       ["kubectl", "--context", "prod", "--namespace", "web", "patch", "service", "web", "-p",
                        #"{"spec":{"selector":{"app":"web","colour":"green"}}}"#])
        XCTAssertEqual(kubectl.rolloutUndo(deployment: "web", toRevision: 3).suffix(3), ["undo", "deployment/web", "--to-revision=3"])
    }
}
