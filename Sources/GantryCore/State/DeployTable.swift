/// Deploys in the order they were requested, found by id.
///
/// An array plus an index rather than a dictionary of values: the reducer mutates a deploy
/// in place thousands of times per second, and a dictionary's optional subscript would move
/// the whole `DeployState` out and back for every event.
public struct DeployTable: Sendable, Equatable, RandomAccessCollection {
    /// The deploys, oldest request first.
    public private(set) var list: [DeployState] = []
    private var index: [DeployID: Int] = [:]
    private var lastID: DeployID?
    private var lastPosition = 0

    public init() {}

    /// A table of these deploys, in this order: what `StateCodec` wrote.
    init(list: [DeployState]) {
        self.list = list
        index.reserveCapacity(list.count)
        for (position, deploy) in list.enumerated() { index[deploy.id] = position }
    }

    public var startIndex: Int { list.startIndex }
    public var endIndex: Int { list.endIndex }
    public subscript(position: Int) -> DeployState { list[position] }

    /// The deploy with `id`. Setting nil is ignored (the log never forgets a deploy).
    public subscript(id: DeployID) -> DeployState? {
        get { index[id].map { list[$0] } }
        set {
            guard let newValue else { return }
            if let position = index[id] {
                list[position] = newValue
            } else {
                index[id] = list.count
                list.append(newValue)
            }
        }
    }

    /// Whether a deploy with `id` exists.
    public func contains(_ id: DeployID) -> Bool { index[id] != nil }

    /// Runs `body` on the deploy `id` in place; does nothing for an unknown id.
    @inline(__always)
    mutating func update(_ id: DeployID, _ body: (inout DeployState) -> Void) {
        if let lastID, lastID == id {
            body(&list[lastPosition])
            return
        }
        guard let position = index[id] else { return }
        lastID = id
        lastPosition = position
        body(&list[position])
    }

    public static func == (lhs: DeployTable, rhs: DeployTable) -> Bool { lhs.list == rhs.list }
}
