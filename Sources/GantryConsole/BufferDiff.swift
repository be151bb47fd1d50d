#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A run of changed cells on one row: what the backend must write.
public struct CellRun: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var cells: [Cell]
    public init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }
}

extension CellBuffer {
    /// The runs of cells that differ between `old` and `self`. A size change (or no old
    /// buffer) yields every row. A changed continuation cell pulls in its wide character.
    public func diff(from old: CellBuffer?) -> [CellRun] {
        guard let old, old.width == width, old.height == height else {
            return (0..<height).map { row in
                CellRun(x: 0, y: row, cells: Array(cells[row * width..<(row + 1) * width]))
            }
        }
        var runs: [CellRun] = []
        // Cells are plain bytes with no undefined padding (`Cell`): equal cells are equal bytes,
        // so an unchanged row (most of them) is one `memcmp`.
        let stride = MemoryLayout<Cell>.stride
        let rowBytes = width * stride
        let changed: [Bool] = cells.withUnsafeBytes { new in
            old.cells.withUnsafeBytes { previous in
                (0..<height).map { memcmp(new.baseAddress! + $0 * rowBytes, previous.baseAddress! + $0 * rowBytes, rowBytes) != 0 }
            }
        }
        func same(_ index: Int) -> Bool {
            cells.withUnsafeBytes { new in
                old.cells.withUnsafeBytes { previous in
                    memcmp(new.baseAddress! + index * stride, previous.baseAddress! + index * stride, stride) == 0
                }
            }
        }
        for row in 0..<height where changed[row] {
            let base = row * width
            var column = 0
            while column < width {
                if same(base + column) {
                    column += 1
                    continue
                }
                var start = column
                if cells[base + start].isContinuation, start > 0 { start -= 1 }
                var end = column + 1
                while end < width, !same(base + end) { end += 1 }
                if end < width, cells[base + end].isContinuation { end += 1 }
                if let last = runs.last, last.y == row, last.x + last.cells.count >= start {
                    let from = last.x + last.cells.count
                    runs[runs.count - 1].cells += cells[base + from..<base + end]
                } else {
                    runs.append(CellRun(x: start, y: row, cells: Array(cells[base + start..<base + end])))
                }
                column = end
            }
        }
        return runs
    }
}
