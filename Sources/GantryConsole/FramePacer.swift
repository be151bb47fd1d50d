/// When the live loop draws and how long it may sleep. Pure: the loop passes the clock in
/// (monotonic nanoseconds), so every decision is testable.
///
/// - A key is drawn at once, before any store backlog is folded.
/// - Store changes are drawn at most once per `frameInterval` (~60 a second), however fast
///   events arrive.
/// - While something runs, the screen is redrawn every `tickInterval` (durations tick).
/// - With nothing to do, the loop sleeps until woken (no timeout at all).
public struct FramePacer: Equatable, Sendable {
    /// The shortest time between two store-driven frames.
    public var frameInterval: UInt64
    /// How often durations tick while a deploy runs.
    public var tickInterval: UInt64
    /// When the last frame was drawn (nil before the first).
    public private(set) var lastDraw: UInt64?
    /// Whether folded store events wait to be drawn.
    public private(set) var storeChanged = false

    /// Events folded per slice before the loop looks at the keyboard again.
    public static let foldSlice = 1024

    public init(frameInterval: UInt64 = 16_000_000, tickInterval: UInt64 = 1_000_000_000) {
        self.frameInterval = frameInterval
        self.tickInterval = tickInterval
    }

    /// Store events were folded: draw them within a frame interval.
    public mutating func noteStoreChange() { storeChanged = true }

    /// A frame was drawn at `now`.
    public mutating func drew(at now: UInt64) {
        lastDraw = now
        storeChanged = false
    }

    /// Whether the loop should draw now (keys are drawn at once, without asking).
    public func shouldDraw(now: UInt64, running: Bool) -> Bool {
        guard let lastDraw else { return true }
        let since = now &- lastDraw
        if storeChanged && since >= frameInterval { return true }
        return running && since >= tickInterval
    }

    /// How long the loop may block waiting for input, in milliseconds (-1: until woken):
    /// 0 while a backlog of events waits to be folded, else until the next store frame or tick.
    public func timeout(now: UInt64, backlog: Bool, running: Bool) -> Int32 {
        if backlog { return 0 }
        guard let lastDraw else { return 0 }
        let since = now &- lastDraw
        var wait: UInt64?
        if storeChanged { wait = frameInterval > since ? frameInterval - since : 0 }
        if running {
            let tick = tickInterval > since ? tickInterval - since : 0
            wait = min(wait ?? tick, tick)
        }
        guard let wait else { return -1 }
        // Round up, so the loop never wakes a little early and spins.
        return Int32(min(UInt64(Int32.max), (wait + 999_999) / 1_000_000))
    }
}
