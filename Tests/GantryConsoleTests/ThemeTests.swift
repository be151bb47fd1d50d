import Foundation
import GantryConsole
import XCTest

final class ThemeTests: XCTestCase {
    private let repoThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    func testGoodFileOverridesItsBase() throws {
        let theme = try ThemeFile.parse("""
        # a partial theme
        base = light
        selected = white on 25 bold
        critical = bright-red underline   # trailing comment
        muted=default dim
        """, file: "mine.theme", name: "mine")
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme[.selected], CellStyle(fg: .white, bg: .index(25), attributes: .bold))
        XCTAssertEqual(theme[.critical], CellStyle(fg: .index(9), attributes: .underline))
        XCTAssertEqual(theme[.muted], CellStyle(attributes: .dim))
        XCTAssertEqual(theme[.ok], Theme.light[.ok], "keys not given keep the base's style")
    }

    func testBrokenFilesNameTheKeyAndLine() {
        let cases: [(String, String)] = [
            ("ok = green\nselectd = red", "t.theme:2: key 'selectd': unknown key (did you mean 'selected'?); keys are base, "),
            ("critical = purpel", "t.theme:1: key 'critical': unknown colour 'purpel' (expected default, a name like red or bright-blue, or 0-255)"),
            ("\n\nwarn = 300", "t.theme:3: key 'warn': colour 300 is outside 0-255"),
            ("ok green", "t.theme:1: expected 'key = value', found 'ok green'"),
            ("ok = green\nok = red", "t.theme:2: key 'ok': given twice (first on line 1)"),
            ("ok = green on", "t.theme:1: key 'ok': 'on' needs a background colour"),
            ("ok =", "t.theme:1: key 'ok': empty style (expected e.g. 'white on blue bold')"),
            ("ok = red blue", "t.theme:1: key 'ok': unexpected 'blue' (a style is [FG] [on BG] [bold|dim|reverse|underline])"),
            ("ok = red\nbase = light", "t.theme:2: key 'base': must come before every style"),
            ("base = solarized", "t.theme:1: key 'base': unknown base theme 'solarized' (expected one of dark, light, high-contrast, monochrome)"),
        ]
        for (text, message) in cases {
            do {
                _ = try ThemeFile.parse(text, file: "t.theme", name: "t")
                XCTFail("accepted: \(text)")
            } catch {
                XCTAssertTrue(error.description.hasPrefix(message), "\(error.description)\n  expected prefix: \(message)")
            }
        }
    }

    func testTheRepositoryThemeFilesLoadAndMatchTheBuiltIns() throws {
        for name in Theme.builtInNames {
            let theme = try ThemeLoader.load(name, searchDirectories: [repoThemes])
            XCTAssertEqual(theme.styles, Theme.builtIn(name)?.styles, "themes/\(name).theme agrees with the default in code")
        }
    }

    func testResolveOrder() throws {
        let dir = NSTemporaryDirectory() + "gantry-themes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "base = light\nok = 22\n".write(toFile: dir + "/dark.theme", atomically: true, encoding: .utf8)
        try "ok = nope\n".write(toFile: dir + "/broken.theme", atomically: true, encoding: .utf8)
        XCTAssertEqual(try ThemeLoader.resolve(flag: nil, environment: [:], searchDirectories: []).name, "dark")
        XCTAssertEqual(try ThemeLoader.resolve(flag: nil, environment: ["GANTRY_THEME": "light"], searchDirectories: []).name, "light")
        XCTAssertEqual(try ThemeLoader.resolve(flag: "high-contrast", environment: ["GANTRY_THEME": "light"], searchDirectories: []).name,
                       "high-contrast")
        XCTAssertEqual(try ThemeLoader.resolve(flag: nil, configured: "monochrome", environment: [:], searchDirectories: []).name, "monochrome")
        XCTAssertEqual(try ThemeLoader.resolve(flag: "dark", environment: [:], searchDirectories: [dir])[.ok], CellStyle(fg: .index(22)),
                       "a file overrides the built-in of the same name")
        XCTAssertEqual(try ThemeLoader.resolve(flag: dir + "/dark.theme", environment: [:], searchDirectories: [])[.ok], CellStyle(fg: .index(22)))
        XCTAssertThrowsError(try ThemeLoader.resolve(flag: "broken", environment: [:], searchDirectories: [dir])) { error in
            XCTAssertTrue("\(error)".hasPrefix(dir + "/broken.theme:1: key 'ok': unknown colour 'nope'"), "\(error)")
        }
        XCTAssertThrowsError(try ThemeLoader.resolve(flag: "nosuch", environment: [:], searchDirectories: [dir])) { error in
            XCTAssertEqual("\(error)", "nosuch: no such theme (built-in: dark, light, high-contrast, monochrome; or give a path to a .theme file)")
        }
        let noColor = try ThemeLoader.resolve(flag: "light", environment: ["NO_COLOR": "1"], searchDirectories: [])
        XCTAssertTrue(noColor.styles.values.allSatisfy { $0.fg == .default && $0.bg == .default })
        XCTAssertEqual(try ThemeLoader.resolve(flag: "light", environment: ["NO_COLOR": ""], searchDirectories: []), Theme.light,
                       "an empty NO_COLOR is ignored (no-color.org)")
    }

    func testColourDepths() {
        XCTAssertEqual(TerminalColor.index(196).basic, .red)
        XCTAssertEqual(TerminalColor.index(39).basic, .cyan)
        XCTAssertEqual(TerminalColor.index(9).basic, .red)
        XCTAssertEqual(TerminalColor.index(236).basic, .black)
        XCTAssertEqual(TerminalColor.index(250).basic, .white)
        XCTAssertEqual(TerminalColor.default.basic, .default)
        for theme in [Theme.dark, .light, .highContrast] {
            let basic = theme.basicColors()
            XCTAssertTrue(basic.styles.values.allSatisfy { style in
                [style.fg, style.bg].allSatisfy { if case .index(let v) = $0 { return v < 8 } else { return true } }
            }, theme.name)
            // Text and selection stay distinguishable on 8 colours.
            XCTAssertNotEqual(basic[.selected], basic[.text], theme.name)
        }
    }
}

/// Which theme name wins: flag, then environment, then the pipeline file, then dark.
final class ThemeChoiceTests: XCTestCase {
    func testPrecedence() {
        let env = ["GANTRY_THEME": "light"]
        XCTAssertEqual(ThemeLoader.choose(flag: "monochrome", configured: "high-contrast", environment: env).name, "monochrome")
        XCTAssertEqual(ThemeLoader.choose(flag: "monochrome", configured: nil, environment: [:]).source, .flag)
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: "high-contrast", environment: env).name, "light")
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: "high-contrast", environment: env).source, .environment)
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: "high-contrast", environment: [:]).name, "high-contrast")
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: "high-contrast", environment: ["GANTRY_THEME": ""]).source, .config,
                       "an empty GANTRY_THEME is not a choice")
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: nil, environment: [:]).name, "dark")
        XCTAssertEqual(ThemeLoader.choose(flag: nil, configured: nil, environment: [:]).source, .fallback)
        XCTAssertEqual(try ThemeLoader.resolve(flag: nil, configured: "high-contrast", environment: env, searchDirectories: []).name,
                       "light")
    }

    func testKnownNamesAreTheBuiltInsThenThemeFiles() throws {
        let dir = NSTemporaryDirectory() + "gantry-themes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in ["corp.theme", "dark.theme", "notes.txt"] { try "".write(toFile: dir + "/" + file, atomically: true, encoding: .utf8) }
        XCTAssertEqual(ThemeLoader.knownNames(searchDirectories: [dir, dir + "/missing"]),
                       ["dark", "light", "high-contrast", "monochrome", "corp"])
    }
}
