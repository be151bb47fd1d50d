import Foundation

/// One change to an object, as a watch delivers it.
struct WatchEvent: Sendable {
    enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    let type: Kind
    let resource: ResourceKind
    let resourceVersion: Int
    let object: JSON
}

/// The objects of one simulated cluster: storage, resource versions, event history and watchers.
///
/// Not thread-safe: ``Cluster`` guards it with a lock.
final class ObjectSpace {
    private(set) var objects: [ResourceKind: [String: JSON]] = [:]
    private(set) var resourceVersion = 100
    private var history: [WatchEvent] = []
    private let historyLimit = 20_000
    private var watchers: [Int: Watcher] = [:]
    private var nextWatcherID = 1

    struct Watcher {
        let resource: ResourceKind
        let namespace: String?
        let filter: @Sendable (JSON) -> Bool
        let deliver: @Sendable (WatchEvent) -> Void
    }

    static func key(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

    // MARK: - Reading

    func get(_ resource: ResourceKind, _ namespace: String?, _ name: String) -> JSON? {
        objects[resource]?[Self.key(resource.namespaced ? namespace : nil, name)]
    }

    /// Objects of a resource in no particular order (cheaper than ``list(_:namespace:)``).
    func all(_ resource: ResourceKind) -> Dictionary<String, JSON>.Values {
        (objects[resource] ?? [:]).values
    }

    /// Objects of a resource, sorted by namespace and name; `namespace` nil means all namespaces.
    func list(_ resource: ResourceKind, namespace: String?) -> [JSON] {
        let all = objects[resource] ?? [:]
        let prefix = namespace.map { "\($0)/" }
        return all.keys.sorted().compactMap { k in
            if let prefix, resource.namespaced, !k.hasPrefix(prefix) { return nil }
            return all[k]
        }
    }

    // MARK: - Writing

    /// Stores a new object; fills uid, creationTimestamp, resourceVersion and generation.
    @discardableResult
    func create(_ resource: ResourceKind, _ object: JSON) throws(SimError) -> JSON {
        guard let name = object["metadata"]["name"].stringValue, !name.isEmpty else {
            throw .badRequest("name or generateName is required")
        }
        let ns = resource.namespaced ? object["metadata"]["namespace"].stringValue : nil
        if resource.namespaced, let ns, resource != .namespaces, get(.namespaces, nil, ns) == nil {
            throw .notFound(resource: "namespaces", name: ns)
        }
        guard get(resource, ns, name) == nil else {
            throw .alreadyExists(resource: resource.qualifiedName, name: name)
        }
        var o = object
        o["kind"] = .string(resource.kind)
        o["apiVersion"] = .string(resource.apiVersion)
        o[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        o[path: ["metadata", "creationTimestamp"]] = .string(Clock.timestamp())
        o[path: ["metadata", "managedFields"]] = .null
        o["metadata"].removeKey("managedFields")
        if resource == .deployments || resource == .replicasets {
            o[path: ["metadata", "generation"]] = 1
        }
        return commit(resource, ns, name, o, .added)
    }

    /// Replaces an object. No change (ignoring resourceVersion) means no new version and no event.
    /// A change of `spec` bumps `metadata.generation` on generation-tracking kinds.
    @discardableResult
    func update(_ resource: ResourceKind, _ object: JSON) throws(SimError) -> JSON {
        guard let name = object["metadata"]["name"].stringValue else { throw .badRequest("metadata.name is required") }
        let ns = resource.namespaced ? object["metadata"]["namespace"].stringValue : nil
        guard let old = get(resource, ns, name) else {
            throw .notFound(resource: resource.qualifiedName, name: name)
        }
        var o = object
        o[path: ["metadata", "uid"]] = old["metadata"]["uid"]
        o[path: ["metadata", "creationTimestamp"]] = old["metadata"]["creationTimestamp"]
        o[path: ["metadata", "resourceVersion"]] = old["metadata"]["resourceVersion"]
        o[path: ["metadata", "generation"]] = old["metadata"]["generation"]
        o["metadata"].removeKey("managedFields")
        if old["metadata"]["generation"].isNull { o["metadata"].removeKey("generation") }
        o["kind"] = .string(resource.kind)
        o["apiVersion"] = .string(resource.apiVersion)
        if o == old { return old }
        if !old["metadata"]["generation"].isNull, o["spec"] != old["spec"] {
            o[path: ["metadata", "generation"]] = .int((old["metadata"]["generation"].intValue ?? 0) + 1)
        }
        return commit(resource, ns, name, o, .modified)
    }

    /// Removes an object and returns it as it was.
    @discardableResult
    func delete(_ resource: ResourceKind, _ namespace: String?, _ name: String) throws(SimError) -> JSON {
        let ns = resource.namespaced ? namespace : nil
        guard let old = objects[resource]?.removeValue(forKey: Self.key(ns, name)) else {
            throw .notFound(resource: resource.qualifiedName, name: name)
        }
        resourceVersion += 1
        var o = old
        o[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        record(WatchEvent(type: .deleted, resource: resource, resourceVersion: resourceVersion, object: o))
        return o
    }

    private func commit(_ resource: ResourceKind, _ ns: String?, _ name: String, _ object: JSON, _ type: WatchEvent.Kind) -> JSON {
        resourceVersion += 1
        var o = object
        o[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        objects[resource, default: [:]][Self.key(ns, name)] = o
        record(WatchEvent(type: type, resource: resource, resourceVersion: resourceVersion, object: o))
        return o
    }

    // MARK: - Watching

    private func record(_ event: WatchEvent) {
        history.append(event)
        if history.count > historyLimit { history.removeFirst(history.count - historyLimit / 2) }
        for w in watchers.values where w.resource == event.resource {
            if let ns = w.namespace, event.object["metadata"]["namespace"].stringValue != ns { continue }
            if w.filter(event.object) { w.deliver(event) }
        }
    }

    /// Registers a watcher; replays the events after `since` first. Returns nil when `since` is older than the
    /// history kept (the client must re-list: 410 Gone).
    func watch(_ resource: ResourceKind, namespace: String?, since: Int?,
               filter: @escaping @Sendable (JSON) -> Bool,
               deliver: @escaping @Sendable (WatchEvent) -> Void) -> Int? {
        if let since, since < resourceVersion {
            // Events after `since` are no longer all known (trimmed, or restored from a state file): 410 Gone.
            if history.first.map({ $0.resourceVersion > since + 1 }) ?? true { return nil }
            for e in history where e.resourceVersion > since && e.resource == resource {
                if let namespace, e.object["metadata"]["namespace"].stringValue != namespace { continue }
                if filter(e.object) { deliver(e) }
            }
        }
        let id = nextWatcherID
        nextWatcherID += 1
        watchers[id] = Watcher(resource: resource, namespace: namespace, filter: filter, deliver: deliver)
        return id
    }

    func unwatch(_ id: Int) { watchers.removeValue(forKey: id) }

    var watcherCount: Int { watchers.count }

    // MARK: - Persistence

    /// Every object, for a state file.
    func snapshot() -> JSON {
        var res: [String: JSON] = [:]
        for (r, objs) in objects { res[r.rawValue] = .array(objs.keys.sorted().compactMap { objs[$0] }) }
        return ["resourceVersion": .int(resourceVersion), "objects": .object(res)]
    }

    /// Loads objects saved by ``snapshot()`` (replacing everything, no events).
    func restore(_ state: JSON) {
        objects = [:]
        for r in ResourceKind.allCases {
            for o in state["objects"][r.rawValue].arrayValue ?? [] {
                guard let name = o["metadata"]["name"].stringValue else { continue }
                let ns = r.namespaced ? o["metadata"]["namespace"].stringValue : nil
                objects[r, default: [:]][Self.key(ns, name)] = o
            }
        }
        resourceVersion = max(resourceVersion, state["resourceVersion"].intValue ?? 0)
        history = []
    }
}
