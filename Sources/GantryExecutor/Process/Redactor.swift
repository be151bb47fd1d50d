import Foundation

/// Removes secrets from text before it is stored or shown: each secret raw, base64-encoded,
/// URL-encoded and JSON-escaped, and each line of a multi-line secret.
public struct Redactor: Sendable {
    public static let mask = "••••••"
    private let needles: [String]

    /// A redactor for `secrets` (values shorter than 4 characters are ignored: they would mask
    /// ordinary text).
    public init(secrets: [String]) {
        var forms: Set<String> = []
        for secret in secrets {
            for part in [secret] + secret.split(whereSeparator: \.isNewline).map(String.init) {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                guard trimmed.count >= 4 else { continue }
                forms.insert(trimmed)
                forms.insert(Data(trimmed.utf8).base64EncodedString())
                let base64 = Data(trimmed.utf8).base64EncodedString()
                forms.insert(base64.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
                if let url = trimmed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(url) }
                forms.insert(Self.jsonEscaped(trimmed))
            }
        }
        needles = forms.sorted { $0.count > $1.count }
    }

    /// `text` with every secret form replaced by the mask.
    public func redact(_ text: String) -> String {
        guard !needles.isEmpty else { return text }
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.mask)
        }
        return result
    }

    private static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += "\\/"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
