import Foundation

/// Time helpers: Kubernetes timestamps and ages.
enum Clock {
    /// Nanoseconds for a delay in seconds, clamped to [0, 1 day] so hostile input cannot trap a conversion.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64(min(seconds, 86_400) * 1e9)
    }

    /// Seconds since 1970, now.
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// RFC 3339 UTC timestamp with second precision, as Kubernetes writes it.
    static func timestamp(_ t: Double = now()) -> String {
        var tt = time_t(t)
        var tmv = tm()
        gmtime_r(&tt, &tmv)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec))
    }

    /// Parses a timestamp written by ``timestamp(_:)`` (`YYYY-MM-DDTHH:MM:SSZ`).
    static func parse(_ s: String) -> Double? {
        let parts = s.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 6 else { return nil }
        var tmv = tm()
        tmv.tm_year = Int32(parts[0] - 1900)
        tmv.tm_mon = Int32(parts[1] - 1)
        tmv.tm_mday = Int32(parts[2])
        tmv.tm_hour = Int32(parts[3])
        tmv.tm_min = Int32(parts[4])
        tmv.tm_sec = Int32(parts[5])
        return Double(timegm(&tmv))
    }

    /// Kubernetes' short human duration (`5s`, `3m2s`, `4h`, `2d`), as in the AGE column.
    static func age(since created: String?, now: Double = Clock.now()) -> String {
        guard let created, let t = parse(created) else { return "<unknown>" }
        return humanDuration(max(0, now - t))
    }

    static func humanDuration(_ d: Double) -> String {
        let seconds = Int(d)
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        return "\(hours / 24 / 365)y"
    }
}
