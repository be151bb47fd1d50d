import Foundation

/// Refuses the one YAML shape that can make composing take exponential time: a mapping key that
/// is an alias of (or contains) an anchored collection. Yams hashes every mapping key to find
/// duplicates, and hashing an alias that expands a "billion laughs" chain never finishes.
///
/// The check is textual and deliberately narrow: it runs only when the file anchors a collection
/// (`&name [` / `&name {` / `&name` at the end of a line), and then flags an alias used as a key
/// (`*name:`), an explicit key (`? `) or a flow collection used as a key (`]:` / `}:`).
enum AliasGuard {
    static let message = "mapping keys must be plain strings; in a file that anchors collections, "
        + "aliases, '?' keys and collections cannot be keys (they could expand without bound)"

    /// The position of the first risky key, or nil.
    static func riskyKey(in text: String) -> Position? {
        guard text.contains("*"), text.contains("&") else { return nil }
        var anchorsCollection = false
        var risky: Position?
        var blockParent: Int?
        for (row, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let scalars = Array(line).map { $0 == "\r" ? " " : $0 }
            let indent = scalars.prefix { $0 == " " }.count
            if let parent = blockParent {
                if indent == scalars.count || indent > parent { continue }
                blockParent = nil
            }
            let tokens = significant(scalars)
            for (index, token) in tokens.enumerated() {
                let next = tokens.dropFirst(index + 1).first { $0.character != " " }
                switch token.character {
                case "&":
                    let after = tokens.dropFirst(index + 1).drop { isNameCharacter($0.character) }
                        .first { $0.character != " " }
                    if after == nil || after?.character == "[" || after?.character == "{" { anchorsCollection = true }
                case "*" where token.startsToken:
                    let after = tokens.dropFirst(index + 1).drop { isNameCharacter($0.character) }
                        .first { $0.character != " " }
                    if after?.character == ":" { risky = risky ?? Position(line: row + 1, column: token.column) }
                case "?" where token.startsToken && (next == nil || next?.column != token.column + 1):
                    risky = risky ?? Position(line: row + 1, column: token.column)
                case "]", "}":
                    if next?.character == ":" { risky = risky ?? Position(line: row + 1, column: token.column) }
                default: break
                }
            }
            if let last = tokens.last(where: { $0.character != " " }),
               ["|", ">"].contains(last.character) || (tokens.count > 1 && ["-", "+"].contains(last.character)
                    && ["|", ">"].contains(tokens[tokens.count - 2].character)) {
                blockParent = indent
            }
        }
        return anchorsCollection ? risky : nil
    }

    private struct Token {
        let character: Unicode.Scalar
        let column: Int
        let startsToken: Bool
    }

    /// The characters of a line outside quoted strings and comments, with 1-based columns.
    private static func significant(_ line: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var quote: Unicode.Scalar?
        var index = 0
        while index < line.count {
            let character = line[index]
            let previous: Unicode.Scalar = index > 0 ? line[index - 1] : " "
            let startsToken = [" ", "\t", "[", "{", ",", "-", ":"].contains(previous)
            defer { index += 1 }
            if let open = quote {
                if character == "\\", open == "\"" { index += 1 } else if character == open { quote = nil }
                continue
            }
            if character == "#", previous == " " || previous == "\t" || index == 0 { break }
            if (character == "\"" || character == "'") && startsToken {
                quote = character
                continue
            }
            tokens.append(Token(character: character == "\t" ? " " : character, column: index + 1, startsToken: startsToken))
        }
        return tokens
    }

    private static func isNameCharacter(_ character: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(character) || ("A"..."Z").contains(character) || ("0"..."9").contains(character)
            || character == "-" || character == "_"
    }
}
