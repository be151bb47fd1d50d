import Foundation

extension PipelineFile {
    /// The stages in execution order: every stage after all the stages it needs; among
    /// stages that are ready at the same time, file order wins. (A model built by hand with
    /// a cycle or an unknown `needs` still returns every stage once: those come last.)
    public var stagesInOrder: [StageSpec] { Self.topologicalOrder(stages) }

    /// The deploy stage for `environment`, if any.
    public func deployStage(for environment: String) -> StageSpec? {
        stages.first { $0.kind == .deploy(environment: environment) }
    }

    /// The monitor stages for `environment`, in file order.
    public func monitorStages(for environment: String) -> [StageSpec] {
        stages.filter { stage in
            if case .monitor(let watched, _) = stage.kind { return watched == environment }
            return false
        }
    }

    /// Everything a deploy to `environment` runs, in execution order: its deploy stage and the
    /// monitor stages for it, every stage those need (directly or indirectly), and the stages
    /// after them that belong to this environment — a post-deploy checklist gate, a smoke run:
    /// stages that need only stages already in, follow this deploy, and lead to no deploy or
    /// watch of another environment. Empty when no stage deploys to `environment`.
    public func stages(forDeployTo environment: String) -> [StageSpec] {
        guard let deploy = deployStage(for: environment) else { return [] }
        let roots = [deploy.id] + monitorStages(for: environment).map(\.id)
        var wanted = ancestors(of: roots).union(roots)
        let elsewhere = stages.filter { stage in
            switch stage.kind {
            case .deploy(let other), .monitor(let other, _): return other != environment
            default: return false
            }
        }.map(\.id)
        let leadsElsewhere = ancestors(of: elsewhere).union(elsewhere)
        var downstream = Set(roots)
        for stage in stagesInOrder where !wanted.contains(stage.id) && !leadsElsewhere.contains(stage.id) {
            guard !stage.needs.isEmpty, stage.needs.allSatisfy(wanted.contains),
                  stage.needs.contains(where: downstream.contains) else { continue }
            wanted.insert(stage.id)
            downstream.insert(stage.id)
        }
        return stagesInOrder.filter { wanted.contains($0.id) }
    }

    /// The environment a stage works for, for `${env}`: its own for a deploy or monitor stage,
    /// else that of the nearest deploy or monitor stage it follows (a smoke run after staging's
    /// deploy is staging's, even inside a production deploy); nil before any deploy.
    public func environment(ofStage id: String) -> String? {
        let byID = Dictionary(stages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        var level = [id]
        while !level.isEmpty {
            var next: [String] = []
            for stageID in level where seen.insert(stageID).inserted {
                guard let stage = byID[stageID] else { continue }
                switch stage.kind {
                case .deploy(let environment), .monitor(let environment, _): return environment
                default: next += stage.needs
                }
            }
            level = next
        }
        return nil
    }

    /// The ids of every stage that the stages `ids` need, directly or indirectly (not `ids` themselves,
    /// unless a cycle leads back to them).
    public func ancestors(of ids: [String]) -> Set<String> {
        let byID = Dictionary(stages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        var pending = ids.flatMap { byID[$0]?.needs ?? [] }
        while let next = pending.popLast() {
            guard seen.insert(next).inserted, let stage = byID[next] else { continue }
            pending.append(contentsOf: stage.needs)
        }
        return seen
    }

    // MARK: - Topological sort

    static func topologicalOrder(_ stages: [StageSpec]) -> [StageSpec] {
        var indexByID: [String: Int] = [:]
        for (index, stage) in stages.enumerated() where indexByID[stage.id] == nil { indexByID[stage.id] = index }
        var waitingOn = [Int](repeating: 0, count: stages.count)
        var dependents = [[Int]](repeating: [], count: stages.count)
        for (index, stage) in stages.enumerated() {
            for need in Set(stage.needs) {
                guard let parent = indexByID[need], parent != index else { continue }
                waitingOn[index] += 1
                dependents[parent].append(index)
            }
        }
        // `ready` is kept in descending order, so the earliest stage in the file is popped first.
        var ready = (0..<stages.count).filter { waitingOn[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        var placed = [Bool](repeating: false, count: stages.count)
        while let next = ready.popLast() {
            order.append(next)
            placed[next] = true
            for child in dependents[next] {
                waitingOn[child] -= 1
                guard waitingOn[child] == 0 else { continue }
                let slot = ready.partitioningIndex { $0 < child }
                ready.insert(child, at: slot)
            }
        }
        order += (0..<stages.count).filter { !placed[$0] }
        return order.map { stages[$0] }
    }
}

extension Array where Element == Int {
    /// The first index whose element satisfies `belongs`, for an array partitioned so that all
    /// elements that do not satisfy it come first (binary search).
    fileprivate func partitioningIndex(where belongs: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
