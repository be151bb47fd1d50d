import Foundation

extension PipelineBuilder {
    static let itemKeys = ["id", "text", "verify", "evidence"]

    /// Reads `checklists:`, a mapping of checklist name to a list of items.
    func checklistList(_ value: Value) -> [ChecklistSpec]? {
        guard let reader = mapping(value, context: "in 'checklists'",
                                   what: "a mapping of checklist names to lists of items") else { return nil }
        var result: [ChecklistSpec] = []
        var failed = false
        for entry in reader.entries {
            references.checklists.append(Reference(name: entry.key, position: entry.keyNode.position,
                                                   path: entry.value.path))
            let nameValue = Value(node: entry.keyNode, path: entry.value.path, label: entry.key)
            let name = self.name(nameValue, what: "checklist name", rule: .label)
            if let items = checklistItems(entry.value, checklist: entry.key), let name {
                result.append(ChecklistSpec(name: name, items: items))
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    private func checklistItems(_ value: Value, checklist: String) -> [ChecklistItem]? {
        guard let items = list(value, what: "a list of items such as { id: tests, text: \"All tests passing\" }") else {
            return nil
        }
        if items.isEmpty {
            sink.error("checklist '\(Quote.clip(checklist))' has no items", at: value.position, path: value.path)
            return nil
        }
        var result: [ChecklistItem] = []
        var ids: [String: Position] = [:]
        var failed = false
        for (index, item) in items.enumerated() {
            guard let built = checklistItem(item, number: index + 1, checklist: checklist) else {
                failed = true
                continue
            }
            if let first = ids[built.item.id] {
                sink.error("duplicate item id '\(Quote.clip(built.item.id))' in checklist '\(Quote.clip(checklist))' "
                    + "(first defined at \(sink.original(first)))", at: built.idPosition, path: item.path + ".id")
                failed = true
            } else {
                ids[built.item.id] = built.idPosition
            }
            result.append(built.item)
        }
        return failed ? nil : result
    }

    private func checklistItem(_ value: Value, number: Int, checklist: String) -> (item: ChecklistItem, idPosition: Position)? {
        let readableID: String? = {
            guard case .mapping(let mapping) = value.node else { return nil }
            return mapping.first { $0.key.string == "id" }?.value.string
        }()
        let name = readableID.map { "item '\(Quote.clip($0))'" } ?? "item \(number)"
        let context = "in \(name) of checklist '\(Quote.clip(checklist))'"
        guard let reader = mapping(value, context: context, what: "a mapping with 'id' and 'text'") else { return nil }
        checkKeys(reader, allowed: Self.itemKeys)
        let idValue = require(reader, "id")
        let id = idValue.flatMap { self.name($0, what: "item id", rule: .label) }
        let text = require(reader, "text").flatMap(freeTextTemplate)
        let verify = reader["verify"].map(argv)
        let evidence = reader["evidence"].map { choice($0, EvidencePolicy.self) } ?? .optional
        guard let id, let idValue, let text, let evidence, verify.map({ $0 != nil }) ?? true else { return nil }
        return (ChecklistItem(id: id, text: text, verify: verify ?? nil, evidence: evidence), idValue.position)
    }
}
