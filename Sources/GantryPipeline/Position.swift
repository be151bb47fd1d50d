import Foundation
import Yams

/// A 1-based line and column (columns counted in Unicode scalars, as libyaml does).
struct Position: Equatable, Comparable, CustomStringConvertible {
    let line: Int
    let column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: Mark) {
        self.init(line: mark.line, column: mark.column)
    }

    /// The start of the file.
    static let start = Position(line: 1, column: 1)

    var description: String { "\(line):\(column)" }

    static func < (lhs: Position, rhs: Position) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

extension Node {
    /// Where this node starts, or the start of the file when Yams gave no mark.
    var position: Position { mark.map(Position.init) ?? .start }
}
