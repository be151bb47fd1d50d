import Foundation

/// How event times are stored: seconds since 1970 as a Double, the `time REAL` column.
///
/// Both stores hand back the time exactly as it reads back from storage, so an event
/// returned by `append` equals the same event read later.
enum StoredTime {
    /// The stored number for `date`.
    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }

    /// The date as it reads back from storage.
    static func normalized(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970) }
}
