import Foundation
import Yams

/// The composed YAML tree of a pipeline file, with the duplicate keys found on the way.
///
/// Yams refuses a mapping with a duplicate key and reports only the first occurrence. To keep
/// going (and report every problem), the second occurrence is found in the text and renamed to
/// a sentinel key, and the text is composed again. The builder reports a sentinel key where it
/// meets it, with the key path; `reportUnclaimedDuplicates` reports the rest.
struct YAMLDocument {
    let root: Node
    let duplicates: DuplicateTable

    static let maximumRepairs = 100

    /// Composes `text`; reports syntax errors and an empty file to `sink` and returns nil.
    static func compose(_ text: String, sink: DiagnosticSink) -> YAMLDocument? {
        if let risky = AliasGuard.riskyKey(in: text) {
            sink.error(AliasGuard.message, at: risky, path: "")
            return nil
        }
        var source = SourceLines(text)
        let table = DuplicateTable()
        for _ in 0...maximumRepairs {
            do {
                guard let root = try Yams.compose(yaml: source.text, .default, .default, .utf8) else {
                    sink.error(emptyMessage, at: .start, path: "")
                    return nil
                }
                return YAMLDocument(root: root, duplicates: table)
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let names, let context) = error, let name = names.first {
                    let first = sink.original(Position(context.mark))
                    if let second = source.findDuplicate(of: name, firstAt: Position(context.mark)) {
                        let secondMark = sink.original(Position(line: second.line, column: second.column))
                        let sentinel = table.add(name: name, first: first, second: secondMark)
                        let shift = source.replace(second, with: sentinel)
                        sink.addShift(shift)
                        continue
                    }
                    let shown = name == "<uncovertable>" ? "" : " '\(Quote.clip(name))'"
                    sink.error("duplicate key\(shown)", at: Position(context.mark), path: "")
                    return nil
                }
                report(error, text: source.text, sink: sink)
                return nil
            } catch {
                sink.error("invalid YAML", at: .start, path: "")
                return nil
            }
        }
        YAMLDocument(root: Node(""), duplicates: table).reportUnclaimedDuplicates(to: sink)
        sink.error("too many duplicate keys (more than \(maximumRepairs)); stopped looking", at: .start, path: "")
        return nil
    }

    static let emptyMessage =
        "the pipeline file is empty; expected a mapping with keys 'app', 'image', 'environments' and 'stages'"

    /// Reports every duplicate the builder did not meet.
    func reportUnclaimedDuplicates(to sink: DiagnosticSink) {
        for entry in duplicates.unclaimed {
            sink.error("duplicate key '\(Quote.clip(entry.name))' (first defined at \(entry.first.line):\(entry.first.column))",
                       atOriginal: entry.second, path: "")
        }
    }

    // MARK: - Syntax errors

    private static func report(_ error: YamlError, text: String, sink: DiagnosticSink) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if problem == "but found another document" {
                sink.error("the pipeline file must hold a single YAML document, but found another document",
                           at: Position(mark), path: "")
                return
            }
            var message = "invalid YAML: \(problem)"
            if let context {
                let where_ = sink.original(Position(context.mark))
                message += " (\(context.text) at \(where_.line):\(where_.column))"
            }
            sink.error(message, at: Position(mark), path: "")
        case .reader(let problem, let offset, let value, _):
            let (line, column) = position(ofCharacter: offset ?? 0, in: text)
            let code = value >= 0 ? String(format: " (U+%04X)", Int(value)) : ""
            sink.error("invalid YAML: \(problem)\(code)", line: line, column: column, path: "")
        default:
            sink.error("invalid YAML", at: .start, path: "")
        }
    }

    /// The 1-based line and column (in Unicode scalars) of the character at `offset`.
    static func position(ofCharacter offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1, index = 0
        for character in text {
            if index >= offset { break }
            if character == "\n" || character == "\r\n" || character == "\r" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
            index += 1
        }
        return (line, column)
    }
}

/// Sentinel keys standing for duplicate keys, and which of them the builder reported.
final class DuplicateTable {
    struct Entry {
        let name: String
        let first: Position
        let second: Position
        var claimed = false
    }

    static let prefix = "__gantry_duplicate_"
    private(set) var entries: [String: Entry] = [:]
    private var order: [String] = []

    /// Registers a duplicate of `name` and returns the sentinel key that replaces it.
    func add(name: String, first: Position, second: Position) -> String {
        let sentinel = "\(Self.prefix)\(order.count)__"
        entries[sentinel] = Entry(name: name, first: first, second: second)
        order.append(sentinel)
        return sentinel
    }

    /// The entry for `key` when it is a sentinel; marks it claimed.
    func claim(_ key: String) -> Entry? {
        guard key.hasPrefix(Self.prefix), var entry = entries[key] else { return nil }
        entry.claimed = true
        entries[key] = entry
        return entry
    }

    var unclaimed: [Entry] { order.compactMap { entries[$0] }.filter { !$0.claimed } }
}
