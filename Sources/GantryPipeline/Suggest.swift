import Foundation

/// Nearest-name suggestions by edit distance ("did you mean"), for the pipeline file and the
/// names it refers to.
public enum Suggest {
    /// The candidate closest to `word`, if it is close enough to be a likely typo: an edit
    /// distance (with transpositions) of at most 1 for short words and 2 for longer ones, or else
    /// one name being a prefix of the other (`failed-healthcheck` -> `failed-health`).
    public static func nearest(_ word: String, among candidates: [String]) -> String? {
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
    public static func hint(_ word: String, among candidates: [String]) -> String {
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
