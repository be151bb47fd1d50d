/// The last `capacity` log lines of a stage, with the count of every line ever seen.
///
/// Memory stays bounded however much a step prints; the full output lives in the event log.
public struct LogRing: Sendable, Equatable {
    /// One kept line.
    public struct Line: Sendable, Equatable {
        public var seq: Int64
        public var stream: LogStream
        public var text: String
        public init(seq: Int64, stream: LogStream, text: String) {
            self.seq = seq
            self.stream = stream
            self.text = text
        }
    }

    /// How many lines are kept.
    public let capacity: Int
    /// Every line ever appended, including those dropped from the ring.
    public private(set) var totalCount: Int = 0
    private var storage: [Line] = []
    private var head = 0

    /// An empty ring keeping at most `capacity` lines (at least 1).
    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    /// A ring holding `lines` (oldest first, at most `capacity`) out of `totalCount` ever
    /// appended: what `StateCodec` wrote.
    init(capacity: Int, totalCount: Int, lines: [Line]) {
        self.capacity = max(1, capacity)
        self.totalCount = totalCount
        storage = lines.count > self.capacity ? Array(lines.suffix(self.capacity)) : lines
    }

    /// Appends a line, dropping the oldest when full.
    public mutating func append(_ line: Line) {
        totalCount += 1
        if storage.count < capacity {
            storage.append(line)
        } else {
            storage[head] = line
            head = (head + 1) % capacity
        }
    }

    /// The newest kept line.
    public var last: Line? {
        guard !storage.isEmpty else { return nil }
        return storage[storage.count < capacity ? storage.count - 1 : (head + capacity - 1) % capacity]
    }

    /// Replaces the newest kept line (a marker that is updated in place); appends when empty.
    public mutating func replaceLast(_ line: Line) {
        guard !storage.isEmpty else { return append(line) }
        storage[storage.count < capacity ? storage.count - 1 : (head + capacity - 1) % capacity] = line
    }

    /// The kept lines, oldest first.
    public var lines: [Line] {
        guard head > 0 else { return storage }
        return Array(storage[head...] + storage[..<head])
    }

    /// How many lines are kept now.
    public var count: Int { storage.count }

    /// How many lines were dropped from the front.
    public var droppedCount: Int { totalCount - storage.count }

    public static func == (lhs: LogRing, rhs: LogRing) -> Bool {
        lhs.capacity == rhs.capacity && lhs.totalCount == rhs.totalCount && lhs.lines == rhs.lines
    }
}
