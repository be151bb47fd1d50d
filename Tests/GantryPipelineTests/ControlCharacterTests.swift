import Foundation
import XCTest
@testable import GantryPipeline

/// Control characters never pass `gantry check`: in arguments, names and settings none at all;
/// in free text (a checklist item's text) line breaks and tabs only.
final class ControlCharacterTests: XCTestCase {
    private func pipeline(run: String, text: String = "\"Tests pass\"", context: String = "staging") -> String {
        """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: \(context), namespace: web }
            strategy: rolling
        checklists:
          pre-deploy:
            - { id: tests, text: \(text) }
        stages:
          - { id: migrate, run: \(run) }
          - { id: deploy, deploy: staging, needs: [migrate] }
        """
    }

    func testANULInAnArgumentIsReportedWithItsPlace() {
        let diagnostics = PipelineLoader.check(yaml: pipeline(run: #"["./migrate", "up\0now"]"#), file: "gantry.yaml")
        XCTAssertEqual(diagnostics.description, """
            gantry.yaml:11:39: error: 'run[1]' holds the control character U+0000 (NUL) at character 3 of the string \
            "up\\u{0}now"; remove it (names, arguments and versions may hold none)
            """)
    }

    func testEscapeNewlineAndBidiInArgumentsAreReported() {
        let cases: [(String, String)] = [
            (#"["./migrate", "\e[2J"]"#, "U+001B (escape)"),
            (#"["./migrate", "a\nb"]"#, "U+000A (line feed)"),
            (#"["./migrate", "a\tb"]"#, "U+0009 (tab)"),
            (#"["./migrate", "a\rb"]"#, "U+000D (carriage return)"),
            (#"["./migrate", "\x7f"]"#, "U+007F (DEL)"),
            (#"["./migrate", "\x85"]"#, "U+0085 (a control character)"),
            (#"["./migrate", "safe\u202Eexe.sh"]"#, "U+202E (right-to-left override)"),
            (#"["./migrate", "x\u2067y"]"#, "U+2067 (right-to-left isolate)"),
        ]
        for (run, named) in cases {
            let errors = PipelineLoader.check(yaml: pipeline(run: run), file: "g.yaml").errors
            XCTAssertEqual(errors.count, 1, run)
            XCTAssertEqual(errors.first?.keyPath, "stages[0].run[1]", run)
            XCTAssertTrue(errors.first?.message.contains(named) ?? false, "\(run): \(errors)")
        }
    }

    func testAControlCharacterInAKubeContextIsReported() {
        let errors = PipelineLoader.check(yaml: pipeline(run: #"["./migrate"]"#, context: #""stag\u0000ing""#), file: "g.yaml").errors
        XCTAssertEqual(errors.map(\.keyPath), ["environments.staging.kube.context"])
        XCTAssertTrue(errors[0].message.hasPrefix("'context' holds the control character U+0000 (NUL)"), errors[0].message)
    }

    func testFreeTextMayHoldLineBreaksButNoEscapes() {
        XCTAssertEqual(PipelineLoader.check(yaml: pipeline(run: #"["./migrate"]"#, text: #""Tests\n\tpass""#), file: "g.yaml")
            .errors, [])
        let errors = PipelineLoader.check(yaml: pipeline(run: #"["./migrate"]"#, text: #""Tests \e]52;c;aGk=\a""#),
                                          file: "g.yaml").errors
        XCTAssertEqual(errors.map(\.keyPath), ["checklists.pre-deploy[0].text"])
        XCTAssertTrue(errors[0].message.contains("U+001B (escape)"), errors[0].message)
    }
}
