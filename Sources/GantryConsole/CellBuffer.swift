import GantryCore

/// A width×height grid of cells that screens draw into; the backend diffs two of them and
/// writes only what changed. Every string goes through `SafeText`, so no control byte from
/// outside can reach the terminal.
public struct CellBuffer: Equatable, Sendable {
    /// ASCII stand-ins for the separators and punctuation Gantry writes (`LANG=C`).
    static let asciiStandIns: [Character: String] = ["·": "-", "—": "-", "–": "-", "…": ".", "→": ">", "←": "<", "↓": "v", "↑": "^"]

    public let width: Int
    public let height: Int
    /// When set, every non-ASCII character is drawn as `?` (terminals without a UTF-8 locale).
    public let asciiOnly: Bool
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, asciiOnly: Bool = false, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.asciiOnly = asciiOnly
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(column: Int, row: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    // MARK: - Drawing

    /// Fills `rect` (clipped) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let width = width
        cells.withUnsafeMutableBufferPointer { cells in
            for row in y0..<y1 {
                let base = row * width
                for column in x0..<x1 { cells[base + column] = cell }
            }
        }
    }

    /// Sets the style of every cell of `rect`, keeping the text.
    public mutating func restyle(_ rect: Rect, _ style: CellStyle) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { cells[row * width + column].style = style }
        }
    }

    /// Draws `text` at (`x`, `y`) in `style`, at most `maxWidth` columns (default: to the edge).
    /// Text is sanitized; a wide character that does not fit is replaced by a space.
    /// Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        // Fast path: printable ASCII needs no sanitizing, grapheme breaking or width lookup.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return putNarrow(text.utf8.lazy.map(Glyph.init(ascii:)), count: text.utf8.count, x: x, y: y, limit: limit, style: style)
        }
        // Second fast path: every scalar a one-column grapheme of its own (·, ─, ✓, ▁…█, →):
        // no grapheme breaking, no width lookup per character.
        if !asciiOnly, let count = CharacterWidth.simpleCount(text) {
            return putNarrow(text.unicodeScalars.lazy.map(Glyph.init), count: count, x: x, y: y, limit: limit, style: style)
        }
        var column = x
        for character in SafeText.sanitize(text) {
            if column >= limit { break }
            var glyph = Glyph(character)
            var columns = CharacterWidth.of(character)
            if asciiOnly, !character.isASCII {
                // Separators and punctuation Gantry itself writes have ASCII stand-ins; other text
                // from outside shows as '?'.
                glyph = Glyph(Self.asciiStandIns[character] ?? "?")
                columns = 1
            }
            if columns == 0 {
                // A lone combining mark: attach to the previous cell when possible.
                if column > x, column - 1 >= 0, column - 1 < width {
                    let index = y * width + column - 1
                    if !cells[index].isContinuation {
                        for scalar in glyph.scalars { cells[index].glyph.append(scalar) }
                    }
                }
                continue
            }
            if column < 0 {
                column += columns
                continue
            }
            if columns == 2 && column + 1 >= limit {
                cells[y * width + column] = Cell(glyph: .space, style: style)
                column += 1
                break
            }
            clearWide(at: column, row: y)
            cells[y * width + column] = Cell(glyph: glyph, style: style)
            if columns == 2 {
                clearWide(at: column + 1, row: y)
                cells[y * width + column + 1] = Cell(glyph: .continuation, style: style)
            }
            column += columns
        }
        return max(0, column - x)
    }

    /// Draws `count` one-column glyphs from (`x`, `y`) up to column `limit`. Only the run's two
    /// ends can cut a wide character in half: the cells between are all overwritten.
    @inline(__always)
    private mutating func putNarrow<Glyphs: Sequence<Glyph>>(_ glyphs: Glyphs, count: Int, x: Int, y: Int, limit: Int,
                                                             style: CellStyle) -> Int {
        let first = max(0, x)
        let end = min(limit, x + count)
        guard first < end else { return max(0, end - x) }
        clearWide(at: first, row: y)
        clearWide(at: end - 1, row: y)
        let base = y * width
        var column = x
        cells.withUnsafeMutableBufferPointer { cells in
            for glyph in glyphs {
                if column >= end { break }
                if column >= first { cells[base + column] = Cell(glyph: glyph, style: style) }
                column += 1
            }
        }
        return max(0, column - x)
    }

    /// Draws `text` padded (or cut) to exactly `width` columns.
    public mutating func putPadded(_ text: String, x: Int, y: Int, width columns: Int, style: CellStyle) {
        guard columns > 0 else { return }
        fill(Rect(x: x, y: y, width: columns, height: 1), with: Cell(" ", style: style))
        put(text, x: x, y: y, style: style, maxWidth: columns)
    }

    /// When overwriting half of a wide character, blanks its other half.
    private mutating func clearWide(at column: Int, row: Int) {
        let index = row * width + column
        if cells[index].isContinuation, column > 0 {
            cells[index - 1].glyph = .space
        } else if column + 1 < width, cells[index + 1].isContinuation, CharacterWidth.of(cells[index].text) == 2 {
            cells[index + 1].glyph = .space
        }
    }

    // MARK: - Reading (tests)

    /// Each row as text (continuation cells omitted), trailing spaces trimmed.
    public var lines: [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width {
                let cell = cells[row * width + column]
                if !cell.isContinuation { line += cell.text }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// All rows joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// Where `needle` first occurs on screen, as (column, row), counting columns as cells.
    public func find(_ needle: String) -> (column: Int, row: Int)? {
        for row in 0..<height {
            var line: [Character] = []
            var columns: [Int] = []
            for column in 0..<width {
                let cell = cells[row * width + column]
                if cell.isContinuation { continue }
                for character in cell.text {
                    line.append(character)
                    columns.append(column)
                }
            }
            let target = Array(needle)
            guard !target.isEmpty, line.count >= target.count else { continue }
            for start in 0...(line.count - target.count) where Array(line[start..<start + target.count]) == target {
                return (columns[start], row)
            }
        }
        return nil
    }
}
