import Foundation

/// The `needs` graph of the stages with valid, unique ids (unknown needs are left out).
struct StageGraph {
    /// A cycle: stage ids in order, and the `needs` entry of the first that points to the second.
    struct Cycle {
        let stages: [String]
        let at: Reference
    }

    private let stages: [References.Stage]
    private let index: [String: Int]

    init(stages: [References.Stage]) {
        self.stages = stages
        var index: [String: Int] = [:]
        for (position, stage) in stages.enumerated() { index[stage.id.name] = position }
        self.index = index
    }

    private func edges(_ node: Int) -> [Int] { stages[node].needs.compactMap { index[$0.name] } }

    /// Every distinct cycle found by a depth-first search in file order, each starting at its
    /// earliest stage in the file.
    func cycles() -> [Cycle] {
        enum Colour { case white, grey, black }
        var colour = [Colour](repeating: .white, count: stages.count)
        var found: [Cycle] = []
        var signatures = Set<[Int]>()
        for root in stages.indices where colour[root] == .white {
            var path: [Int] = [root]
            var next: [Int] = [0]
            colour[root] = .grey
            while let node = path.last, let cursor = next.last {
                let targets = edges(node)
                guard cursor < targets.count else {
                    colour[node] = .black
                    path.removeLast()
                    next.removeLast()
                    continue
                }
                next[next.count - 1] += 1
                let target = targets[cursor]
                switch colour[target] {
                case .white:
                    colour[target] = .grey
                    path.append(target)
                    next.append(0)
                case .grey:
                    guard let start = path.lastIndex(of: target) else { continue }
                    let members = Array(path[start...])
                    let signature = members.sorted()
                    if signatures.insert(signature).inserted, let cycle = makeCycle(members) { found.append(cycle) }
                case .black:
                    continue
                }
            }
        }
        return found
    }

    private func makeCycle(_ members: [Int]) -> Cycle? {
        guard let earliest = members.indices.min(by: { members[$0] < members[$1] }) else { return nil }
        let rotated = Array(members[earliest...] + members[..<earliest])
        let first = stages[rotated[0]]
        let second = stages[rotated[rotated.count > 1 ? 1 : 0]]
        guard let edge = first.needs.first(where: { $0.name == second.id.name }) else { return nil }
        return Cycle(stages: rotated.map { stages[$0].id.name }, at: edge)
    }

    /// The ids of every stage `id` needs, directly or indirectly.
    func ancestors(of id: String) -> Set<String> {
        guard let start = index[id] else { return [] }
        var seen = Set<Int>()
        var pending = edges(start)
        while let node = pending.popLast() {
            guard seen.insert(node).inserted else { continue }
            pending.append(contentsOf: edges(node))
        }
        return Set(seen.map { stages[$0].id.name })
    }
}
