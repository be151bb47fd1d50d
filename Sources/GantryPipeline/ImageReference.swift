import Foundation

/// A container image reference without a tag: `[registry[:port]/]path`, e.g.
/// `127.0.0.1:5000/shop/web`. The version is appended at deploy time.
public struct ImageReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The registry host with its optional port (`127.0.0.1:5000`), or nil for the default registry.
    public let registry: String?
    /// The repository path below the registry (`shop/web`).
    public let path: String

    /// Creates a reference from parts the caller has validated.
    public init(registry: String?, path: String) {
        self.registry = registry
        self.path = path
    }

    /// The reference as written: `registry/path` or `path`.
    public var description: String {
        if let registry { return "\(registry)/\(path)" }
        return path
    }

    /// The reference with a tag, e.g. `127.0.0.1:5000/shop/web:2.1.0`.
    public func tagged(_ version: String) -> String { "\(description):\(version)" }

    /// Parses and validates `text`; returns the reference or a message saying what is wrong.
    public static func parse(_ text: String) -> Result<ImageReference, ImageReferenceProblem> {
        if text.isEmpty { return .failure(.init("the image reference is empty")) }
        if text.utf8.count > 255 { return .failure(.init("an image reference may be at most 255 characters")) }
        if let bad = text.unicodeScalars.first(where: { !isAllowed($0) }) {
            return .failure(.init("an image reference may not contain \(Quote.describe(bad)); "
                + "expected registry[:port]/path with lowercase path components"))
        }
        if text.contains("@") { return .failure(.init("the image must not carry a digest; the version is given at deploy time")) }
        var components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var registry: String?
        if components.count > 1, let first = components.first, looksLikeRegistry(first) {
            registry = first
            components.removeFirst()
            if let problem = registryProblem(first) { return .failure(.init(problem)) }
        }
        for component in components {
            if component.contains(":") {
                return .failure(.init("the image must not carry a tag; the version is given at deploy time"))
            }
            if let problem = pathComponentProblem(component) { return .failure(.init(problem)) }
        }
        return .success(ImageReference(registry: registry, path: components.joined(separator: "/")))
    }

    // MARK: - Rules

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "/", ":", "@": return true
        default: return false
        }
    }

    /// Docker's rule: the first component is a registry when it has a '.' or ':' or is "localhost".
    private static func looksLikeRegistry(_ component: String) -> Bool {
        component.contains(".") || component.contains(":") || component == "localhost"
    }

    private static func registryProblem(_ registry: String) -> String? {
        let parts = registry.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first.map(String.init) else {
            return "registry '\(Quote.clip(registry))' must be host[:port]"
        }
        let hostOK = !host.isEmpty && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                    || ("0"..."9").contains($0) || $0 == "-" }
        }
        if !hostOK { return "registry host '\(Quote.clip(host))' is not a valid host name" }
        if parts.count == 2 {
            let port = String(parts[1])
            guard let number = Int(port), port.allSatisfy(\.isNumber), (1...65535).contains(number) else {
                return "registry port '\(Quote.clip(port))' must be a number from 1 to 65535"
            }
        }
        return nil
    }

    /// A path component: lowercase alphanumerics separated by '.', '_', '__' or runs of '-'.
    private static func pathComponentProblem(_ component: String) -> String? {
        if component.isEmpty { return "an image path may not contain an empty component ('//' or a trailing '/')" }
        if component != component.lowercased() {
            return "image path component '\(Quote.clip(component))' must be lowercase"
        }
        let scalars = Array(component.unicodeScalars)
        let isAlnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard let first = scalars.first, let last = scalars.last, isAlnum(first), isAlnum(last) else {
            return "image path component '\(Quote.clip(component))' must start and end with a letter or digit"
        }
        var index = 0
        while index < scalars.count {
            if isAlnum(scalars[index]) { index += 1; continue }
            var end = index
            while end < scalars.count, !isAlnum(scalars[end]) { end += 1 }
            let separator = String(String.UnicodeScalarView(scalars[index..<end]))
            let valid = separator == "." || separator == "_" || separator == "__" || separator.allSatisfy { $0 == "-" }
            if !valid { return "image path component '\(Quote.clip(component))' has an invalid separator '\(separator)'" }
            index = end
        }
        return nil
    }
}

/// Why a string is not an acceptable image reference.
public struct ImageReferenceProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// A user-facing explanation.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The explanation.
    public var description: String { message }
}
