import GantryConsole
import XCTest

final class SparklineTests: XCTestCase {
    func testBarsScaleFromZeroToTheMaximum() {
        let spark = Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(spark.bars(width: 8, glyphs: .unicode).map(\.glyph).joined(), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(spark.bars(width: 8, glyphs: .ascii).map(\.glyph).joined(), "_.-~=+##")
        XCTAssertEqual(spark.bars(width: 3, glyphs: .unicode).map(\.glyph).joined(), "▆▇█", "the newest values fit")
        XCTAssertEqual(Sparkline(values: []).bars(width: 5, glyphs: .unicode).count, 0)
        XCTAssertEqual(Sparkline(values: [0, 0]).bars(width: 5, glyphs: .unicode).map(\.glyph).joined(), "▁▁")
    }

    func testThresholdBandsAndTheCriticalLineSetTheScale() {
        let spark = Sparkline(values: [0.002, 0.02, 0.072], warn: 0.01, critical: 0.05)
        let bars = spark.bars(width: 10, glyphs: .unicode)
        XCTAssertEqual(bars.map(\.band), [.ok, .warn, .critical])
        XCTAssertEqual(bars.map(\.glyph).joined(), "▁▃█")
        // The scale reaches the critical threshold even when values stay below it.
        let calm = Sparkline(values: [0.01, 0.025], critical: 0.05)
        XCTAssertEqual(calm.bars(width: 5, glyphs: .unicode).map(\.glyph).joined(), "▂▅")
        // Lower is worse (e.g. ready replicas).
        let ready = Sparkline(values: [5, 2, 0], warn: 3, critical: 1, higherIsWorse: false)
        XCTAssertEqual(ready.bars(width: 3, glyphs: .unicode).map(\.band), [.ok, .warn, .critical])
    }

    func testDrawStylesEachBarByBand() {
        var buffer = CellBuffer(width: 6, height: 1)
        let spark = Sparkline(values: [0.002, 0.02, 0.072], warn: 0.01, critical: 0.05)
        XCTAssertEqual(spark.draw(&buffer, x: 1, y: 0, width: 5, theme: .dark, glyphs: .unicode), 3)
        XCTAssertEqual(buffer.lines, [" ▁▃█"])
        XCTAssertEqual(buffer[1, 0].style, Theme.dark[.ok])
        XCTAssertEqual(buffer[2, 0].style, Theme.dark[.warn])
        XCTAssertEqual(buffer[3, 0].style, Theme.dark[.critical])
    }
}
