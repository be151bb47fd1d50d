import Foundation

/// Durations as written in the pipeline file: `30s`, `2m`, `1h`, `1h30m`, `90s`.
enum DurationText {
    /// The number of seconds in `text`, or nil when it is not a duration.
    /// Units are `h`, `m` and `s`, each at most once and in that order.
    static func seconds(_ text: String) -> Int? {
        let units: [(Character, Int)] = [("h", 3600), ("m", 60), ("s", 1)]
        var total = 0
        var digits = ""
        var nextUnit = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                guard digits.count < 9 else { return nil }
                digits.append(Character(String(digit)))
                continue
            }
            guard !digits.isEmpty, let amount = Int(digits),
                  let index = units.indices.first(where: { units[$0].0 == character }), index >= nextUnit else {
                return nil
            }
            total += amount * units[index].1
            digits = ""
            nextUnit = index + 1
        }
        guard digits.isEmpty, nextUnit > 0 else { return nil }
        return total
    }

    /// `seconds` written back the short way, e.g. `1h30m`, `45s`.
    static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        var out = ""
        var rest = seconds
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
