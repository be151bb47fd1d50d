import Foundation

/// Validation rules for names and versions that end up in command arguments,
/// Kubernetes objects or image references. Anything that fails these rules is
/// refused before it can reach a process, a store or a terminal.
public enum NameRules {
    /// Whether `name` is a DNS-1123 label: 1...63 characters of `[a-z0-9-]`,
    /// starting and ending with an alphanumeric character.
    public static func isDNS1123Label(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            if alnum { continue }
            if byte == 0x2D, index != 0, index != bytes.count - 1 { continue }
            return false
        }
        return true
    }

    /// Whether `name` is a DNS-1123 subdomain: dot-separated DNS-1123 labels,
    /// at most 253 characters in all.
    public static func isDNS1123Subdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false)
            .allSatisfy { isDNS1123Label(String($0)) }
    }

    /// Whether `version` is safe to use as an image tag and in arguments:
    /// 1...128 characters of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
    public static func isSafeVersion(_ version: String) -> Bool {
        let bytes = Array(version.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        if bytes[0] == 0x2E || bytes[0] == 0x2D { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
    }

    /// Explains why `version` is refused, or nil when it is safe.
    public static func versionProblem(_ version: String) -> String? {
        if version.isEmpty { return "the version is empty" }
        if version.utf8.count > 128 { return "the version is longer than 128 characters" }
        if version.hasPrefix("-") || version.hasPrefix(".") { return "a version may not start with '-' or '.'" }
        if !isSafeVersion(version) {
            return "a version may contain only letters, digits, '.', '_' and '-'"
        }
        return nil
    }
}
