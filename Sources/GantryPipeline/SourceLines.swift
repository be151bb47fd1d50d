import Foundation

/// A column shift caused by replacing text on one line: columns after `after` moved by `delta`.
struct ColumnShift {
    let line: Int
    let after: Int
    let delta: Int
}

/// The pipeline text as lines of Unicode scalars (libyaml counts columns in scalars), with the
/// small amount of YAML knowledge needed to find the second occurrence of a duplicate key.
struct SourceLines {
    typealias Span = (line: Int, column: Int, length: Int)
    private var lines: [[Unicode.Scalar]]

    init(_ text: String) {
        // Split on scalars: in a String, "\r\n" is one Character and would never equal "\n".
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    }

    var text: String {
        lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }

    /// Replaces `span` (1-based) with `replacement` and returns the resulting column shift.
    mutating func replace(_ span: Span, with replacement: String) -> ColumnShift {
        let row = span.line - 1, start = span.column - 1
        let new = Array(replacement.unicodeScalars)
        lines[row].replaceSubrange(start..<(start + span.length), with: new)
        return ColumnShift(line: span.line, after: span.column + new.count - 1, delta: new.count - span.length)
    }

    /// Where the next occurrence of key `name` in the same mapping as the one at `mark` starts.
    func findDuplicate(of name: String, firstAt mark: Position) -> Span? {
        let row = mark.line - 1, column = mark.column - 1
        guard lines.indices.contains(row), column >= 0, column < lines[row].count,
              let length = keyToken(name, in: lines[row], at: column) else { return nil }
        let before = lines[row][0..<column]
        if before.allSatisfy({ $0 == " " || $0 == "-" || $0 == "?" }) {
            return findInBlock(name, after: row, column: column)
        }
        if let last = before.last(where: { $0 != " " }), last == "{" || last == "," {
            return findInFlow(name, row: row, column: column + length)
        }
        return nil
    }

    // MARK: - Block mappings

    private func findInBlock(_ name: String, after row: Int, column: Int) -> Span? {
        var index = row + 1
        while index < lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            defer { index += 1 }
            if indent == line.count || line[indent] == "#" || line[indent] == "\r" { continue }
            if indent < column { return nil }
            if indent == column, let length = keyToken(name, in: line, at: column) {
                return (index + 1, column + 1, length)
            }
        }
        return nil
    }

    // MARK: - Flow mappings

    private func findInFlow(_ name: String, row startRow: Int, column startColumn: Int) -> Span? {
        var row = startRow, column = startColumn
        var depth = 0
        var quote: Unicode.Scalar?
        var afterComma = false
        while row < lines.count {
            guard column < lines[row].count else {
                row += 1
                column = 0
                continue
            }
            let character = lines[row][column]
            if let open = quote {
                if character == open { quote = nil }
                column += 1
                continue
            }
            if character == " " || character == "\t" || character == "\r" {
                column += 1
                continue
            }
            if afterComma, depth == 0, let length = keyToken(name, in: lines[row], at: column) {
                return (row + 1, column + 1, length)
            }
            afterComma = false
            switch character {
            case "\"", "'": quote = character
            case "{", "[": depth += 1
            case "}", "]":
                if depth == 0 { return nil }
                depth -= 1
            case ",": afterComma = depth == 0
            case "#":
                row += 1
                column = 0
                continue
            default: break
            }
            column += 1
        }
        return nil
    }

    // MARK: - Keys

    /// The length of the key token `name`, `"name"` or `'name'` at `column` when a ':' follows it.
    private func keyToken(_ name: String, in line: [Unicode.Scalar], at column: Int) -> Int? {
        let key = Array(name.unicodeScalars)
        for form in [key, ["\""] + key + ["\""], ["'"] + key + ["'"]] {
            let end = column + form.count
            guard end <= line.count, Array(line[column..<end]) == form else { continue }
            var next = end
            while next < line.count, line[next] == " " { next += 1 }
            if next < line.count, line[next] == ":" { return form.count }
        }
        return nil
    }
}
