import Foundation

/// A placeholder that may appear in a pipeline string as `${name}`.
public enum Placeholder: String, Sendable, Equatable, Hashable, CaseIterable {
    /// The version being deployed (given at deploy time).
    case version
    /// The name of the environment a step runs for.
    case env
    /// The image reference from the pipeline file, without a tag.
    case image
}

/// A string from the pipeline file that may contain `${version}`, `${env}` and
/// `${image}` placeholders. The loader has already checked that only known
/// placeholders appear, so expansion cannot fail.
public struct Template: Sendable, Equatable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text exactly as written in the file.
    public let raw: String

    /// Wraps `raw` without validation; the loader validates before it builds templates.
    public init(_ raw: String) { self.raw = raw }

    /// Wraps a literal, for tests and defaults.
    public init(stringLiteral value: String) { self.raw = value }

    /// The text as written.
    public var description: String { raw }

    /// The placeholders used, in order of first appearance.
    public var placeholders: [Placeholder] {
        var seen: [Placeholder] = []
        for case .placeholder(let name) in Template.scan(raw) {
            if let known = Placeholder(rawValue: name), !seen.contains(known) { seen.append(known) }
        }
        return seen
    }

    /// Replaces every placeholder with its value; a placeholder without a value becomes "".
    public func expanded(_ values: [Placeholder: String]) -> String {
        var out = ""
        for piece in Template.scan(raw) {
            switch piece {
            case .text(let text): out += text
            case .placeholder(let name):
                out += Placeholder(rawValue: name).flatMap { values[$0] } ?? ""
            case .unterminated(let text): out += text
            }
        }
        return out
    }

    // MARK: - Scanning

    enum Piece: Equatable {
        case text(String)
        case placeholder(String)
        case unterminated(String)
    }

    /// Splits `text` into literal text and `${...}` placeholders.
    static func scan(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex {
                pieces.append(.text(String(rest[rest.startIndex..<start.lowerBound])))
            }
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                pieces.append(.unterminated(String(rest[start.lowerBound...])))
                return pieces
            }
            pieces.append(.placeholder(String(afterOpen[afterOpen.startIndex..<close])))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    /// Explains the first problem with the placeholders in `text` ("an unknown placeholder ..."),
    /// or nil when all are known.
    static func problem(in text: String) -> String? {
        for piece in scan(text) {
            switch piece {
            case .text: continue
            case .placeholder(let name):
                if Placeholder(rawValue: name) == nil {
                    let known = Placeholder.allCases.map { "${\($0.rawValue)}" }.joined(separator: ", ")
                    var message = "an unknown placeholder '${\(Quote.clip(name))}'"
                    if let near = Suggest.nearest(name, among: Placeholder.allCases.map(\.rawValue)) {
                        message += ", did you mean '${\(near)}'?"
                    } else {
                        message += "; known placeholders: \(known)"
                    }
                    return message
                }
            case .unterminated(let text):
                return "an unterminated placeholder '\(Quote.clip(text))': expected '}'"
            }
        }
        return nil
    }
}
