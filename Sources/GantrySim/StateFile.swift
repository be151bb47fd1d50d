import Foundation

/// Saving and loading the simulator's objects, so a restart keeps them.
enum StateFile {
    static func save(path: String, clusters: [Cluster], ports: [String: Int]) throws(SimError) {
        var cl: [String: JSON] = [:]
        for c in clusters {
            cl[c.name] = c.locked { c in
                c.dirty = false
                return c.space.snapshot()
            }
        }
        let doc: JSON = ["clusters": .object(cl), "servicePorts": .object(ports.mapValues { .int($0) })]
        try FileWriter.writeAtomically(JSONWriter.write(doc), to: path)
    }

    /// Loads objects into the clusters; returns the service ports saved.
    static func load(path: String, into clusters: [Cluster]) throws(SimError) -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .badState("cannot read \(path)") }
        let doc: JSON
        do { doc = try JSON.parse(bytes: Array(data)) } catch { throw .badState("\(path): \(error)") }
        for c in clusters {
            let snap = doc["clusters"][c.name]
            if snap.isNull { continue }
            c.locked { $0.space.restore(snap) }
        }
        var ports: [String: Int] = [:]
        for (k, v) in doc["servicePorts"].objectValue ?? [:] { ports[k] = v.intValue }
        return ports
    }
}

/// Writes files whole: a temporary file renamed over the target.
enum FileWriter {
    static func writeAtomically(_ text: String, to path: String) throws(SimError) {
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) else {
            throw .cannotWrite(path)
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .cannotWrite(path)
        }
    }
}
