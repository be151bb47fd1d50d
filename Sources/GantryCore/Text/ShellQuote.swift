/// Quotes an argv for display so a person can copy it into a POSIX shell and run it by hand.
/// Display only: Gantry itself never runs commands through a shell.
public enum ShellQuote {
    /// One argument, single-quoted when it holds anything but safe characters.
    public static func quote(_ argument: String) -> String {
        guard !argument.isEmpty else { return "''" }
        let safe = argument.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "=", "@", ",", "+", "%": true
            default: false
            }
        }
        if safe { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The whole argv, space-separated.
    public static func join(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}
