import Foundation
import GantryConsole
import XCTest

/// `RECORD_THEMES=1` rewrites themes/*.theme from the built-in themes in code.
final class ThemeFilesRecord: XCTestCase {
    func testRenderedThemesParseBack() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        for name in Theme.builtInNames {
            guard let theme = Theme.builtIn(name) else { return XCTFail(name) }
            let header = """
            Gantry console theme "\(name)" (the built-in default; edit a copy, or keep only the keys you change).
            A style is [FG] [on BG] [bold] [dim] [reverse] [underline]; a colour is default, a name
            (black red green yellow blue magenta cyan white, bright-*) or a 256-palette index 0-255.
            Use: gantry --theme \(name), GANTRY_THEME=\(name), or --theme path/to/file.theme. NO_COLOR=1 drops colours.
            """
            let text = ThemeFile.render(theme, header: header)
            XCTAssertEqual(try ThemeFile.parse(text, file: name, name: name), theme)
            if ProcessInfo.processInfo.environment["RECORD_THEMES"] == "1" {
                try text.write(to: directory.appendingPathComponent("\(name).theme"), atomically: true, encoding: .utf8)
            }
        }
    }
}
