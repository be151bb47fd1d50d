import Foundation
import GantryConsole
import GantryCore

/// Events delivered by the store subscription (and messages from background work), waiting for
/// the console loop. The loop takes them in bounded slices, so a burst never delays a key; the
/// producer wakes the loop only when the inbox goes from drained to non-empty, not per event.
final class EventInbox: @unchecked Sendable {
    /// What the loop takes at once.
    struct Slice {
        var events: ArraySlice<Event>
        var messages: [Message]
        /// Damage found in the log by background work (shown in red for as long as the console runs).
        var damage: String?
        /// Whether more events are waiting.
        var more: Bool
        /// The newest live samples read, when new ones came.
        var live: LiveSamples?
        /// A replay loaded for time travel (or why it could not be).
        var travel: Result<TimeTravel, CLIError>?
    }

    private let lock = NSLock()
    private var events: [Event] = []
    private var head = 0
    private var messages: [Message] = []

    /// A message for the status line, and whether it reports a failure.
    struct Message {
        var text: String
        var isError: Bool
    }
    private var damage: String?
    private var live: LiveSamples?
    private var travel: Result<TimeTravel, CLIError>?
    /// Whether the loop was woken and has not drained the inbox since.
    private var signalled = false

    /// Adds an event; returns whether the loop must be woken.
    func push(_ event: Event) -> Bool {
        lock.withLock {
            events.append(event)
            return wake()
        }
    }

    /// Adds a message for the user (an error, unless said otherwise); returns whether the loop
    /// must be woken.
    func post(_ message: String, isError: Bool = true) -> Bool {
        lock.withLock {
            messages.append(Message(text: message, isError: isError))
            return wake()
        }
    }

    /// Reports damage to the log; returns whether the loop must be woken.
    func postDamage(_ text: String) -> Bool {
        lock.withLock {
            damage = text
            return wake()
        }
    }

    /// Hands over newly read live samples; returns whether the loop must be woken.
    func postLive(_ samples: LiveSamples) -> Bool {
        lock.withLock {
            live = samples
            return wake()
        }
    }

    /// Hands over a loaded replay; returns whether the loop must be woken.
    func postTravel(_ result: Result<TimeTravel, CLIError>) -> Bool {
        lock.withLock {
            travel = result
            return wake()
        }
    }

    private func wake() -> Bool {
        defer { signalled = true }
        return !signalled
    }

    /// At most `limit` events, oldest first, and every message.
    func take(limit: Int) -> Slice {
        lock.withLock {
            let end = min(events.count, head + limit)
            let slice = events[head..<end]
            head = end
            let more = head < events.count
            if !more {
                events.removeAll(keepingCapacity: events.capacity <= 65_536)
                head = 0
                signalled = false
            } else if head >= 65_536 {
                events.removeFirst(head)
                head = 0
            }
            defer {
                messages.removeAll()
                damage = nil
                live = nil
                travel = nil
            }
            return Slice(events: slice, messages: messages, damage: damage, more: more, live: live, travel: travel)
        }
    }
}
