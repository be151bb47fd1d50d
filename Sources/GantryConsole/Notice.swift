import Foundation

/// One message in the notification area: the result of a key, a recorded command, a refusal, a
/// background failure. Newest first; shown bright, then dim, then gone (errors stay longer).
public struct Notice: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public var at: Date

    public init(text: String, isError: Bool, at: Date) {
        self.text = text
        self.isError = isError
        self.at = at
    }

    /// Notices kept.
    public static let kept = 5
    /// Seconds a notice is shown bright, then dim until `shownFor`.
    public static let brightFor: TimeInterval = 4
    /// Seconds a notice is shown at all (errors: twice as long).
    public static let shownFor: TimeInterval = 10

    /// How a notice looks `now`: bright, dim, or gone (nil).
    public func fade(now: Date) -> Fade? {
        let age = now.timeIntervalSince(at)
        let scale = isError ? 2.0 : 1.0
        if age < Self.brightFor * scale { return .bright }
        if age < Self.shownFor * scale { return .dim }
        return nil
    }

    public enum Fade: Equatable, Sendable { case bright, dim }
}

extension UIState {
    /// Adds a notice (newest first). A pending "(recording…)" notice is replaced by its outcome
    /// instead (`resolvesPending`), oldest pending first, so each command's line ends up saying
    /// what was recorded.
    public mutating func notify(_ text: String, isError: Bool, at: Date, resolvesPending: Bool = false) {
        if resolvesPending, let index = notices.lastIndex(where: { $0.text.hasSuffix(ConsoleUpdate.recordingSuffix) }) {
            notices[index] = Notice(text: text, isError: isError, at: at)
            return
        }
        if let first = notices.first, first.text == text, first.isError == isError {
            notices[0].at = at
            return
        }
        notices.insert(Notice(text: text, isError: isError, at: at), at: 0)
        if notices.count > Notice.kept { notices.removeLast(notices.count - Notice.kept) }
    }

    /// The notices still shown `now`, newest first.
    public func visibleNotices(now: Date) -> [(notice: Notice, fade: Notice.Fade)] {
        notices.compactMap { notice in notice.fade(now: now).map { (notice, $0) } }
    }
}
