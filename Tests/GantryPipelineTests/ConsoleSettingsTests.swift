import Foundation
import XCTest
@testable import GantryPipeline

/// The optional `console:` mapping: the console's theme, validated like every other key.
final class ConsoleSettingsTests: XCTestCase {
    private func pipeline(_ console: String) -> String {
        """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
        stages:
          - { id: staging, deploy: staging }
        \(console)
        """
    }

    func testThemeIsReadWithItsPosition() throws {
        let file = try PipelineLoader.parse(yaml: pipeline("console:\n  theme: light"), file: "gantry.yaml")
        XCTAssertEqual(file.console, ConsoleSettings(theme: "light", themeLine: 8, themeColumn: 10))
        let path = try PipelineLoader.parse(yaml: pipeline("console: { theme: themes/corp.theme }"), file: "gantry.yaml")
        XCTAssertEqual(path.console.theme, "themes/corp.theme")
    }

    func testWithoutConsoleThereIsNoTheme() throws {
        XCTAssertEqual(try PipelineLoader.parse(yaml: pipeline(""), file: "gantry.yaml").console, ConsoleSettings())
        XCTAssertEqual(try PipelineLoader.parse(yaml: pipeline("console: {}"), file: "gantry.yaml").console, ConsoleSettings())
    }

    func testMistakesAreReportedAtTheirPlace() {
        let cases: [(String, String)] = [
            ("console:\n  thme: light", "gantry.yaml:8:3: error: unknown key 'thme' in 'console', did you mean 'theme'?"),
            ("console: light", "gantry.yaml:7:10: error: 'console' must be a mapping such as { theme: light }, got 'light'"),
            ("console:\n  theme: [dark]", "gantry.yaml:8:10: error: 'theme' must be a string, got a list"),
            ("console:\n  theme: \"\"", "gantry.yaml:8:10: error: 'theme' must be a theme name (dark, light, high-contrast, "
                + "monochrome, or NAME for themes/NAME.theme) or a path to a .theme file, got the string \"\""),
            ("console:\n  theme: dark mode", "gantry.yaml:8:10: error: theme name 'dark mode' may hold only letters, digits, "
                + "'-', '_' and '.' (or give a path to a .theme file)"),
        ]
        for (console, expected) in cases {
            XCTAssertEqual(PipelineLoader.check(yaml: pipeline(console), file: "gantry.yaml").description, expected, console)
        }
    }

    func testATopLevelTypoSuggestsConsole() {
        let errors = PipelineLoader.check(yaml: pipeline("consle: { theme: light }"), file: "gantry.yaml").errors
        XCTAssertEqual(errors.map(\.message), ["unknown key 'consle' at the top level, did you mean 'console'?"])
    }
}
