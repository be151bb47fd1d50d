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

/// Quoting of user text inside messages: control characters are escaped and long text clipped,
/// so a hostile value can neither drive the terminal nor flood it.
enum Quote {
    static let limit = 60

    /// `text` made safe to print, clipped to `limit` characters.
    static func clip(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { return out + "…" }
            out += escape(scalar)
            count += 1
        }
        return out
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{" + String(scalar.value, radix: 16) + "}"
        default: return String(scalar)
        }
    }

    /// A description of a single character for messages: `a space`, `'$'`, `a tab`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        default: return "'\(escape(scalar))'"
        }
    }
}

/// Nearest-name suggestions by edit distance.
enum Suggest {
    /// The candidate closest to `word`, if it is close enough to be a likely typo: an edit
    /// distance (with transpositions) of at most 1 for short words and 2 for longer ones, or else
    /// one name being a prefix of the other (`failed-healthcheck` -> `failed-health`).
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        if let best, best.distance <= max(1, min(2, max(word.count, best.name.count) / 4)) { return best.name }
        return candidates.first { candidate in
            let low = candidate.lowercased()
            return min(low.count, lowered.count) >= 4 && (lowered.hasPrefix(low) || low.hasPrefix(lowered))
        }
    }

    /// `, did you mean 'x'?` or "".
    static func hint(_ word: String, among candidates: [String]) -> String {
        nearest(word, among: candidates).map { ", did you mean '\($0)'?" } ?? ""
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions) over
    /// Unicode scalars; inputs are clipped to 64 scalars to keep it cheap.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars.prefix(64)), y = Array(b.unicodeScalars.prefix(64))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[x.count][y.count]
    }
}
