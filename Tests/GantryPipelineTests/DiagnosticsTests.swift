import Foundation
import XCTest
@testable import GantryPipeline

/// Positions, key paths, ordering and the loader's file handling.
final class DiagnosticsTests: XCTestCase {
    private let valid = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          production:
            kube: { context: prod, namespace: web }
            strategy: canary
            canary: { steps: [10, 100], replicas: three }
        stages:
          - { id: deploy, deploy: production, needs: [biuld] }
        """

    func testErrorsCarryKeyPathsAndExactDescriptions() {
        let diagnostics = PipelineLoader.check(yaml: valid, file: "gantry.yaml")
        XCTAssertEqual(diagnostics.errors.map(\.keyPath),
                       ["environments.production.canary.replicas", "stages[0].needs[0]"])
        XCTAssertEqual(diagnostics.description, """
            gantry.yaml:7:43: error: 'replicas' must be an integer, got 'three'
            gantry.yaml:9:47: error: stage 'deploy' needs unknown stage 'biuld'; defined: deploy
            """)
    }

    func testUnknownKeyPathAndSuggestion() {
        let yaml = valid.replacingOccurrences(of: "strategy: canary", with: "strategey: canary")
        let errors = PipelineLoader.check(yaml: yaml, file: "g.yaml").errors
        let unknown = errors.first { $0.message.hasPrefix("unknown key") }
        XCTAssertEqual(unknown?.message, "unknown key 'strategey' in environment 'production', did you mean 'strategy'?")
        XCTAssertEqual(unknown?.keyPath, "environments.production.strategey")
        XCTAssertEqual(unknown.map { [$0.line, $0.column] }, [6, 5])
    }

    func testErrorsAreSortedByPositionAndDeduplicated() {
        let a = PipelineError(file: "f", line: 3, column: 2, keyPath: "", message: "b")
        let b = PipelineError(file: "f", line: 1, column: 9, keyPath: "", message: "a")
        let c = PipelineError(file: "f", line: 3, column: 1, keyPath: "", message: "c")
        XCTAssertEqual(PipelineDiagnostics([a, b, c, a]).errors, [b, c, a])
        XCTAssertEqual(PipelineError(file: "f", line: 0, column: -3, keyPath: "", message: "m").description, "f:1:1: error: m")
    }

    func testDuplicateKeysInsideNestedAndQuotedMappings() {
        let yaml = """
            app: web
            image: 127.0.0.1:5000/shop/web
            environments:
              staging:
                kube:
                  "context": staging
                  namespace: web
                  'context': other
            stages:
              - id: deploy
                deploy: staging
                id: again
            """
        XCTAssertEqual(PipelineLoader.check(yaml: yaml, file: "d.yaml").description, """
            d.yaml:8:7: error: duplicate key 'context' in 'kube' of environment 'staging' (first defined at 6:7)
            d.yaml:12:5: error: duplicate key 'id' in stage 'deploy' (first defined at 10:5)
            """)
    }

    func testColumnsAfterARepairedDuplicateOnTheSameLineStayTrue() {
        let yaml = """
            app: web
            image: 127.0.0.1:5000/shop/web
            environments:
              staging: { kube: { context: a, namespace: web }, kube: { context: b, namespace: web }, strategy: rollin }
            stages: [{ id: deploy, deploy: staging }]
            """
        XCTAssertEqual(PipelineLoader.check(yaml: yaml, file: "s.yaml").description, """
            s.yaml:4:52: error: duplicate key 'kube' in environment 'staging' (first defined at 4:14)
            s.yaml:4:100: error: 'strategy' must be one of rolling, blue-green, canary, got 'rollin', did you mean 'rolling'?
            """)
    }

    func testWindowsLineEndingsKeepPositions() throws {
        let canary = try TestPaths.example("canary.yaml").replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try PipelineLoader.parse(yaml: canary, file: "c.yaml"),
                       try PipelineLoader.parse(yaml: try TestPaths.example("canary.yaml"), file: "c.yaml"))
        let yaml = "app: web\r\nimage: 127.0.0.1:5000/shop/web\r\napp: shop\r\nenvironments: []\r\n"
        XCTAssertEqual(PipelineLoader.check(yaml: yaml, file: "w.yaml").description, """
            w.yaml:1:1: error: missing required key 'stages' at the top level
            w.yaml:3:1: error: duplicate key 'app' at the top level (first defined at 1:1)
            w.yaml:4:15: error: 'environments' must be a mapping of environment names to environments, got a list
            """)
    }

    func testManyDuplicateKeysAreAllReportedUpToALimit() {
        let yaml = Array(repeating: "app: web", count: 150).joined(separator: "\n")
        let errors = PipelineLoader.check(yaml: yaml, file: "d.yaml").errors
        XCTAssertEqual(errors.count, 102)
        XCTAssertEqual(errors.first?.description, "d.yaml:1:1: error: too many duplicate keys (more than 100); stopped looking")
        XCTAssertEqual(errors.dropFirst().first?.description,
                       "d.yaml:2:1: error: duplicate key 'app' (first defined at 1:1)")
        XCTAssertEqual(errors.last?.line, 102)
    }

    func testDeepNestingAndHostileInputDoNotCrash() {
        let deep = "app: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        XCTAssertFalse(PipelineLoader.check(yaml: deep, file: "deep.yaml").errors.isEmpty)
        let blocks = "app:\n" + (1...400).map { String(repeating: " ", count: $0) + "- x" }.joined(separator: "\n")
        XCTAssertFalse(PipelineLoader.check(yaml: blocks, file: "blocks.yaml").errors.isEmpty)
        for text in ["\u{0}", "\u{7}app: web", "app: *nothing", "&a [*a]", "? [a]\n: b", "app: !!binary x", "%YAML 9.9\n---\na: 1",
                     "\u{FEFF}app: web", "app: web\r\nimage: x\r\n", "'", "{", "- - - -", ":", "!", "@", "`"] {
            let errors = PipelineLoader.check(yaml: text, file: "x.yaml").errors
            XCTAssertFalse(errors.isEmpty, text)
            XCTAssertTrue(errors.allSatisfy { $0.line >= 1 && $0.column >= 1 }, text)
        }
    }

    func testLoadReportsFileProblemsAndDiagnostics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-pipeline-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.yaml").path
        XCTAssertThrowsError(try PipelineLoader.load(path: missing)) { error in
            XCTAssertEqual(error as? PipelineLoadError, .unreadable(path: missing, reason: "no such file"))
        }
        XCTAssertThrowsError(try PipelineLoader.load(path: directory.path)) { error in
            XCTAssertEqual((error as? PipelineLoadError)?.description, "\(directory.path): error: is a directory, not a pipeline file")
        }
        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: binary)
        XCTAssertThrowsError(try PipelineLoader.load(path: binary.path)) { error in
            XCTAssertEqual(error as? PipelineLoadError, .unreadable(path: binary.path, reason: "the file is not valid UTF-8 text"))
        }
        let broken = directory.appendingPathComponent("gantry.yaml")
        try "app: web\n".write(to: broken, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PipelineLoader.load(path: broken.path)) { error in
            XCTAssertEqual((error as? PipelineLoadError)?.description, """
                \(broken.path):1:1: error: missing required key 'environments' at the top level
                \(broken.path):1:1: error: missing required key 'image' at the top level
                \(broken.path):1:1: error: missing required key 'stages' at the top level
                """)
        }
    }
}
