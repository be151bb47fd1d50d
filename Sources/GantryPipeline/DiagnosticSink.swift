import Foundation

/// Collects problems while a pipeline file is read.
final class DiagnosticSink {
    let file: String
    private(set) var errors: [PipelineError] = []

    init(file: String) { self.file = file }

    private var shifts: [ColumnShift] = []

    /// Records a problem at a position in the composed text.
    func error(_ message: String, at position: Position, path: String) {
        error(message, line: position.line, column: position.column, path: path)
    }

    /// Records a problem at a line and column of the composed text.
    func error(_ message: String, line: Int, column: Int, path: String) {
        let position = original(Position(line: line, column: column))
        errors.append(PipelineError(file: file, line: position.line, column: position.column,
                                    keyPath: path, message: message))
    }

    /// Records a problem at a position that is already in the coordinates of the original text.
    func error(_ message: String, atOriginal position: Position, path: String) {
        errors.append(PipelineError(file: file, line: position.line, column: position.column,
                                    keyPath: path, message: message))
    }

    /// Remembers that text was replaced (duplicate-key sentinels), so positions can be mapped back.
    func addShift(_ shift: ColumnShift) { shifts.append(shift) }

    /// Maps a position in the composed text back to the text as written.
    func original(_ position: Position) -> Position {
        var column = position.column
        for shift in shifts.reversed() where shift.line == position.line && column > shift.after {
            column -= shift.delta
        }
        return Position(line: position.line, column: column)
    }
}
