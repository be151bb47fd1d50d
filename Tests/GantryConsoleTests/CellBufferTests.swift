import GantryConsole
import XCTest

final class CellBufferTests: XCTestCase {
    func testPutClipsAndReportsColumns() {
        var buffer = CellBuffer(width: 10, height: 2)
        XCTAssertEqual(buffer.put("hello world", x: 2, y: 0), 8)
        XCTAssertEqual(buffer.put("abc", x: 0, y: 1, maxWidth: 2), 2)
        XCTAssertEqual(buffer.lines, ["  hello wo", "ab"])
        XCTAssertEqual(buffer.put("x", x: 0, y: 5), 0)
    }

    func testWideCharactersTakeTwoCells() {
        var buffer = CellBuffer(width: 8, height: 1)
        XCTAssertEqual(buffer.put("日本x", x: 0, y: 0), 5)
        XCTAssertEqual(buffer[0, 0].text, "日")
        XCTAssertTrue(buffer[1, 0].isContinuation)
        XCTAssertEqual(buffer[2, 0].text, "本")
        XCTAssertEqual(buffer[4, 0].text, "x")
        XCTAssertEqual(buffer.lines, ["日本x"])
        // A wide character that does not fit becomes a space.
        var narrow = CellBuffer(width: 3, height: 1)
        narrow.put("a日本", x: 0, y: 0)
        XCTAssertEqual(narrow.lines, ["a日"])
        narrow.put("ab日", x: 0, y: 0)
        XCTAssertEqual(narrow[2, 0].text, " ")
        // Overwriting half of a wide character blanks the other half.
        var over = CellBuffer(width: 4, height: 1)
        over.put("日本", x: 0, y: 0)
        over.put("z", x: 1, y: 0)
        XCTAssertEqual(over.lines, [" z本"])
    }

    func testControlCharactersNeverReachTheBuffer() {
        var buffer = CellBuffer(width: 30, height: 1)
        buffer.put("evil\u{1B}[2J\u{07}\u{9B}31m\u{202E}x", x: 0, y: 0)
        let text = buffer.cells.map(\.text).joined()
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        XCTAssertEqual(buffer.lines, ["evil�[2J��31m�x"])
    }

    func testASCIIOnlyBufferReplacesNonASCII() {
        var buffer = CellBuffer(width: 10, height: 1, asciiOnly: true)
        buffer.put("ok ✓ 日", x: 0, y: 0)
        XCTAssertEqual(buffer.lines, ["ok ? ?"])
    }

    func testDiffYieldsOnlyChangedRuns() {
        var old = CellBuffer(width: 10, height: 3)
        old.put("abcdefghij", x: 0, y: 0)
        var new = old
        new.put("XY", x: 3, y: 0)
        new.put("Z", x: 9, y: 2)
        let runs = new.diff(from: old)
        XCTAssertEqual(runs, [CellRun(x: 3, y: 0, cells: [Cell("X"), Cell("Y")]), CellRun(x: 9, y: 2, cells: [Cell("Z")])])
        XCTAssertEqual(new.diff(from: new), [])
        // A style change is a change.
        var styled = new
        styled.restyle(Rect(x: 0, y: 1, width: 2, height: 1), CellStyle(fg: .red))
        XCTAssertEqual(styled.diff(from: new).map(\.x), [0])
        // No previous frame, or another size: every row.
        XCTAssertEqual(new.diff(from: nil).count, 3)
        XCTAssertEqual(new.diff(from: CellBuffer(width: 9, height: 3)).count, 3)
    }

    func testDiffIncludesTheWholeWideCharacter() {
        var old = CellBuffer(width: 6, height: 1)
        old.put("a日b", x: 0, y: 0)
        var new = old
        new[2, 0] = Cell("", style: CellStyle(attributes: .bold))
        new[1, 0] = Cell("日", style: CellStyle(attributes: .bold))
        let runs = new.diff(from: old)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0].x, 1)
        XCTAssertEqual(runs[0].cells.count, 2)
    }

    func testOneLineChangeOfAFullScreenIsOneSmallRun() {
        let model = SampleDeploys.model(.canary)
        let before = ConsoleScreen.render(model, theme: .dark, size: .large)
        var changed = model
        changed.now = changed.now.addingTimeInterval(1)
        let after = ConsoleScreen.render(changed, theme: .dark, size: .large)
        let runs = after.diff(from: before)
        // Only durations change: the running stage's, and how long each environment's version has run.
        XCTAssertEqual(runs.count, 3, "\(runs.map { ($0.x, $0.y) })")
        XCTAssertLessThanOrEqual(runs.reduce(0) { $0 + $1.cells.count }, 15)
    }

    func testCharacterWidths() {
        XCTAssertEqual(CharacterWidth.of("abc"), 3)
        XCTAssertEqual(CharacterWidth.of("日本"), 4)
        XCTAssertEqual(CharacterWidth.of("e\u{301}"), 1)
        XCTAssertEqual(CharacterWidth.of("✓▁█─"), 4)
        XCTAssertEqual(CharacterWidth.of("🚀"), 2)
    }

    func testTextFormat() {
        XCTAssertEqual(TextFormat.duration(42), "42s")
        XCTAssertEqual(TextFormat.duration(185), "3m05s")
        XCTAssertEqual(TextFormat.duration(3720), "1h02m")
        XCTAssertEqual(TextFormat.fit("deployment", 6), "deplo…")
        XCTAssertEqual(TextFormat.fit("日本語", 4), "日…")
        XCTAssertEqual(TextFormat.pad("ab", 4), "ab  ")
        XCTAssertEqual(TextFormat.clock(SampleDeploys.t0), "08:00")
    }

    func testRectSplits() {
        let rect = Rect(x: 0, y: 0, width: 80, height: 24)
        XCTAssertEqual(rect.splitTop(1).rest, Rect(x: 0, y: 1, width: 80, height: 23))
        XCTAssertEqual(rect.splitBottom(2).bottom, Rect(x: 0, y: 22, width: 80, height: 2))
        XCTAssertEqual(rect.splitLeft(20).rest, Rect(x: 20, y: 0, width: 60, height: 24))
        XCTAssertEqual(rect.inset(1), Rect(x: 1, y: 1, width: 78, height: 22))
        XCTAssertEqual(rect.centered(width: 10, height: 4), Rect(x: 35, y: 10, width: 10, height: 4))
        XCTAssertTrue(rect.contains(column: 79, row: 23))
        XCTAssertFalse(rect.contains(column: 80, row: 0))
    }
}
