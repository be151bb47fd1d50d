import GantryConsole
import XCTest

/// A cell's grapheme packed into 128 bits: what goes in comes out, up to five scalars.
final class GlyphTests: XCTestCase {
    func testGraphemesRoundTrip() {
        for text in ["a", " ", "~", "·", "─", "█", "✓", "日", "🚀", "e\u{301}", "🇫🇷", "👍🏽", "❤️", "\u{10FFFF}", ""] {
            let glyph = Glyph(text)
            XCTAssertEqual(glyph.string, text, text)
            XCTAssertEqual(glyph.count, text.unicodeScalars.count, text)
            XCTAssertEqual(glyph.scalars, Array(text.unicodeScalars), text)
            XCTAssertEqual(Cell(text).text, text)
        }
        XCTAssertEqual(Glyph(ascii: 0x41), Glyph("A"))
        XCTAssertEqual(Glyph(Unicode.Scalar(0x2500)!), Glyph("─"))
        XCTAssertTrue(Glyph("").isEmpty)
        XCTAssertEqual(Glyph(""), .continuation)
        XCTAssertTrue(Cell("").isContinuation)
        XCTAssertEqual(Glyph.space.string, " ")
    }

    func testMoreThanFiveScalarsKeepsTheFirstFive() {
        // A family: man ZWJ woman ZWJ girl ZWJ boy (7 scalars) keeps what a cchar_t could show.
        let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦"
        let glyph = Glyph(family)
        XCTAssertEqual(glyph.count, Glyph.capacity)
        XCTAssertEqual(glyph.scalars, Array(family.unicodeScalars.prefix(5)))
    }

    func testCombiningMarksAppendUntilFull() {
        var glyph = Glyph("e")
        glyph.append("\u{301}")
        XCTAssertEqual(glyph.string, "e\u{301}")
        XCTAssertNotEqual(glyph, Glyph("e"))
        for _ in 0..<10 { glyph.append("\u{308}") }
        XCTAssertEqual(glyph.count, 5)
        XCTAssertEqual(glyph.string, "e\u{301}\u{308}\u{308}\u{308}")
    }
}

/// The diff compares rows as bytes: a cell must have no padding left undefined, and equal
/// cells must be equal bytes.
final class CellLayoutTests: XCTestCase {
    func testACellIsItsStrideAndEqualCellsAreEqualBytes() {
        XCTAssertEqual(MemoryLayout<Cell>.size, MemoryLayout<Cell>.stride)
        XCTAssertEqual(MemoryLayout<Cell>.stride, 24)
        let colours: [TerminalColor] = [.default, .index(0), .index(7), .index(255)]
        for fg in colours {
            for bg in colours {
                let style = CellStyle(fg: fg, bg: bg, attributes: [.bold, .underline])
                var made = Cell(glyph: Glyph(ascii: 0x41))
                made.style = style
                let a = [Cell("A", style: style)], b = [made]
                XCTAssertEqual(a, b)
                a.withUnsafeBytes { left in b.withUnsafeBytes { right in XCTAssertTrue(left.elementsEqual(right)) } }
            }
        }
    }
}
