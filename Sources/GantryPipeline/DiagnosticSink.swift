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
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, max(word.count, best.name.count) / 3))
        return best.distance <= allowed ? best.name : nil
    }

    /// `, did you mean 'x'?` or "".
    static func hint(_ word: String, among candidates: [String]) -> String {
        nearest(word, among: candidates).map { ", did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance over Unicode scalars (inputs are clipped to keep it cheap).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars.prefix(64)), y = Array(b.unicodeScalars.prefix(64))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
