import Foundation

/// Removes secrets from text before it is stored or shown.
///
/// - **By value**: each declared secret (`secrets:` in the pipeline file, secret-looking variables
///   of the executor's environment) is masked raw, in base64 (standard and URL-safe, padded or
///   not, and inside the base64 of `user:secret`, as HTTP basic auth sends it), percent-encoded
///   (every common form: all reserved characters, Python's `quote` and `quote_plus`, JavaScript's
///   `encodeURIComponent`), JSON-escaped (`\/`, `\uXXXX`) and shell-escaped (`\@`, `'…'\''…'`),
///   and each line of a multi-line secret on its own. Encoded forms are found by decoding each
///   token of a line, not by listing encodings, so an encoder's variant still decodes to the secret.
/// - **By pattern**: a URL's password (`scheme://user:PASSWORD@host`), the credentials of an
///   `Authorization:` header, and tokens with a well-known prefix (`sk_live_`, `ghp_`, `AKIA`…).
public struct Redactor: Sendable {
    public static let mask = "••••••"
    /// Raw secrets (and each line of multi-line ones), longest first.
    private let secrets: [String]
    /// Direct forms replaced wherever they appear, longest first.
    private let needles: [String]

    /// Token prefixes of well-known credentials, and the shortest token after them that counts.
    static let prefixes: [(prefix: String, minimum: Int)] = [
        ("sk_live_", 8), ("sk_test_", 8), ("rk_live_", 8), ("pk_live_", 8), ("whsec_", 8),
        ("ghp_", 20), ("gho_", 20), ("ghs_", 20), ("ghu_", 20), ("github_pat_", 20), ("glpat-", 16),
        ("xoxb-", 10), ("xoxp-", 10), ("xoxa-", 10), ("AKIA", 16), ("ASIA", 16), ("AIza", 30), ("npm_", 30),
    ]

    /// A redactor for `secrets` (values shorter than 4 characters are ignored: they would mask
    /// ordinary text). A secret that is a URL with a password also masks the password alone.
    public init(secrets: [String]) {
        var raw: Set<String> = []
        for secret in secrets {
            for part in [secret] + secret.split(whereSeparator: \.isNewline).map(String.init) {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                guard trimmed.count >= 4 else { continue }
                raw.insert(trimmed)
                if let (_, password) = Self.userinfo(in: trimmed), password.count >= 4 { raw.insert(password) }
            }
        }
        var forms = raw
        for secret in raw {
            let base64 = Data(secret.utf8).base64EncodedString()
            forms.insert(base64)
            forms.insert(base64.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
            forms.insert(Self.jsonEscaped(secret))
            for allowed in [CharacterSet.alphanumerics, Self.unreservedURL] {
                if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) { forms.insert(encoded) }
            }
        }
        self.secrets = raw.sorted { $0.count > $1.count }
        needles = forms.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// `text` with every secret, in every form, and every credential found by pattern masked.
    public func redact(_ text: String) -> String {
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.mask)
        }
        if !secrets.isEmpty { result = maskEncodedTokens(result) }
        return Self.maskPatterns(result)
    }

    // MARK: - Encoded forms, found by decoding

    /// Masks each token that decodes (percent, `+`-as-space, JSON, shell, base64) to text holding
    /// a secret. Works on UTF-8 bytes (delimiters are ASCII) and builds a new string only when a
    /// token is masked: output lines without secrets cost one scan.
    private func maskEncodedTokens(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var masked: [Range<Int>] = []
        var start = 0
        for index in 0...bytes.count {
            guard index == bytes.count || Self.delimiterBytes.contains(bytes[index]) else { continue }
            // A shell-escaped delimiter (`\ `, `\'`) belongs to the token.
            if index < bytes.count, index > start, bytes[index - 1] == UInt8(ascii: "\\") { continue }
            if index - start >= 4, Self.mayBeEncoded(bytes[start..<index]),
               holdsSecret(String(decoding: bytes[start..<index], as: UTF8.self)) {
                masked.append(start..<index)
            }
            start = index + 1
        }
        guard !masked.isEmpty else { return text }
        var out: [UInt8] = []
        var last = 0
        for range in masked {
            out += bytes[last..<range.lowerBound]
            out += Array(Self.mask.utf8)
            last = range.upperBound
        }
        out += bytes[last...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes that split tokens: whitespace, quotes and separators (`%`, `+`, `/`, `\`, `:`, `@`
    /// stay inside tokens: they are part of the encodings).
    static let delimiterBytes = Set(" \t\r\n\"'`,;&=()[]{}<>|".utf8)

    /// Whether a token could be an encoding at all: it has a `%` or `\`, or is long base64.
    static func mayBeEncoded(_ token: ArraySlice<UInt8>) -> Bool {
        if token.contains(UInt8(ascii: "%")) || token.contains(UInt8(ascii: "\\")) { return true }
        return token.count >= 8 && token.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    private func holdsSecret(_ token: String) -> Bool {
        for decoded in Self.decodings(of: token) where secrets.contains(where: { decoded.contains($0) }) { return true }
        return false
    }

    /// What `token` may be an encoding of.
    static func decodings(of token: String) -> [String] {
        var found: [String] = []
        if token.contains("%") {
            if let plain = token.removingPercentEncoding { found.append(plain) }
            if let plus = token.replacingOccurrences(of: "+", with: " ").removingPercentEncoding { found.append(plus) }
        }
        if token.contains("\\") {
            found.append(jsonUnescaped(token))
            found.append(token.replacingOccurrences(of: "\\", with: ""))
        }
        if token.count >= 8, let data = base64Data(token), let plain = String(data: data, encoding: .utf8) { found.append(plain) }
        return found
    }

    /// Standard or URL-safe base64, padded or not.
    static func base64Data(_ token: String) -> Data? {
        guard token.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "+/-_=".unicodeScalars.contains($0) })
        else { return nil }
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }

    static func jsonUnescaped(_ text: String) -> String {
        var out = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let next = scalars.popFirst() else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch next {
            case "u":
                let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                if hex.count == 4, let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) {
                    out.unicodeScalars.append(decoded)
                    scalars = scalars.dropFirst(4)
                } else {
                    out += "\\u"
                }
            case "n": out += "\n"
            case "t": out += "\t"
            default: out.unicodeScalars.append(next)
            }
        }
        return out
    }

    // MARK: - Patterns

    /// Masks URL passwords, `Authorization:` credentials and tokens with well-known prefixes.
    static func maskPatterns(_ text: String) -> String {
        var result = text
        if result.contains("://") { result = maskURLPasswords(result) }
        if result.range(of: "authorization", options: .caseInsensitive) != nil { result = maskAuthorization(result) }
        for (prefix, minimum) in prefixes where result.contains(prefix) {
            result = maskPrefixed(result, prefix: prefix, minimum: minimum)
        }
        return result
    }

    /// The user and password of the first `scheme://user:password@` in `text`.
    static func userinfo(in text: String) -> (user: String, password: String)? {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return nil }
        let info = rest[..<at]
        guard !info.contains(where: { $0 == "/" || $0.isWhitespace }), let colon = info.firstIndex(of: ":") else { return nil }
        return (String(info[..<colon]), String(info[info.index(after: colon)...]))
    }

    private static func maskURLPasswords(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0.isWhitespace || $0 == "\"" || $0 == "'" }
                ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":"), colon < at {
                out += authority[...colon] + mask + authority[at...]
                rest = rest[authorityEnd...]
            }
        }
        return out + rest
    }

    private static func maskAuthorization(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let header = rest.range(of: "authorization", options: .caseInsensitive) {
            out += rest[..<header.upperBound]
            rest = rest[header.upperBound...]
            // `: Bearer TOKEN`, `": "Basic TOKEN"`, `=Token TOKEN`: keep the scheme, mask what follows.
            var index = rest.startIndex
            while index < rest.endIndex, ":\"'= \t".contains(rest[index]) { index = rest.index(after: index) }
            let schemeEnd = rest[index...].firstIndex { $0.isWhitespace } ?? rest.endIndex
            let scheme = rest[index..<schemeEnd]
            let known = ["bearer", "basic", "token", "digest", "negotiate", "apikey"].contains(scheme.lowercased())
            var valueStart = known ? schemeEnd : index
            while valueStart < rest.endIndex, rest[valueStart].isWhitespace { valueStart = rest.index(after: valueStart) }
            let valueEnd = rest[valueStart...].firstIndex { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "," } ?? rest.endIndex
            guard valueEnd > valueStart else { continue }
            out += rest[..<valueStart] + mask
            rest = rest[valueEnd...]
        }
        return out + rest
    }

    private static func maskPrefixed(_ text: String, prefix: String, minimum: Int) -> String {
        var out = ""
        var rest = Substring(text)
        while let found = rest.range(of: prefix) {
            let before = rest[..<found.lowerBound]
            // A prefix inside a longer word (`MASKIAxyz`) is not a token's start.
            let atWordStart = before.last.map { !($0.isLetter || $0.isNumber) } ?? true
            let end = rest[found.upperBound...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } ?? rest.endIndex
            let length = rest.distance(from: found.upperBound, to: end)
            out += before
            out += atWordStart && length >= minimum ? prefix + mask : String(rest[found.lowerBound..<end])
            rest = rest[end...]
        }
        return out + rest
    }

    // MARK: - Encoders for the direct forms

    /// RFC 3986 unreserved characters: what `encodeURIComponent` and Python's `quote(s, safe='')` keep.
    static let unreservedURL = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

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
