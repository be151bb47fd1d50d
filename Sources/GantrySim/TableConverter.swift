/// Server-side printing: turns objects into a `meta.k8s.io/v1` `Table`, as `kubectl get` asks for.
enum TableConverter {
    private static func column(_ name: String, _ type: String = "string", format: String = "", priority: Int = 0) -> JSON {
        ["name": .string(name), "type": .string(type), "format": .string(format), "description": .string(name),
         "priority": .int(priority)]
    }

    static func columns(_ r: ResourceKind) -> [JSON] {
        let name = column("Name", format: "name")
        switch r {
        case .namespaces:
            return [name, column("Status"), column("Age")]
        case .pods:
            return [name, column("Ready"), column("Status"), column("Restarts"), column("Age"),
                    column("IP", priority: 1), column("Node", priority: 1), column("Nominated Node", priority: 1),
                    column("Readiness Gates", priority: 1)]
        case .services:
            return [name, column("Type"), column("Cluster-IP"), column("External-IP"), column("Port(s)"), column("Age"),
                    column("Selector", priority: 1)]
        case .deployments:
            return [name, column("Ready"), column("Up-to-date", "integer"), column("Available", "integer"), column("Age"),
                    column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        case .replicasets:
            return [name, column("Desired", "integer"), column("Current", "integer"), column("Ready", "integer"),
                    column("Age"), column("Containers", priority: 1), column("Images", priority: 1),
                    column("Selector", priority: 1)]
        }
    }

    /// A Table of the given objects; `includeObject` is `None`, `Metadata` (default) or `Object`.
    static func table(_ r: ResourceKind, _ objects: [JSON], resourceVersion: String, includeObject: String?, now: Double,
                      listMeta: JSON = [:]) -> JSON {
        var meta = listMeta
        meta["resourceVersion"] = .string(resourceVersion)
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
            "columnDefinitions": .array(columns(r)),
            "rows": .array(objects.map { row(r, $0, includeObject: includeObject, now: now) }),
        ]
    }

    static func row(_ r: ResourceKind, _ o: JSON, includeObject: String?, now: Double) -> JSON {
        var row: JSON = ["cells": .array(cells(r, o, now: now))]
        switch includeObject {
        case "None": break
        case "Object": row["object"] = o
        default:
            row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]]
        }
        return row
    }

    private static func containers(_ spec: JSON) -> (String, String) {
        let cs = spec["containers"].arrayValue ?? []
        return (cs.compactMap { $0["name"].stringValue }.joined(separator: ","),
                cs.compactMap { $0["image"].stringValue }.joined(separator: ","))
    }

    static func cells(_ r: ResourceKind, _ o: JSON, now: Double) -> [JSON] {
        let name = JSON.string(o["metadata"]["name"].stringValue ?? "")
        let age = JSON.string(Clock.age(since: o["metadata"]["creationTimestamp"].stringValue, now: now))
        switch r {
        case .namespaces:
            return [name, .string(o["status"]["phase"].stringValue ?? "Active"), age]
        case .deployments:
            let (c, i) = containers(o["spec"]["template"]["spec"])
            let s = o["status"]
            return [name, .string("\(s["readyReplicas"].intValue ?? 0)/\(o["spec"]["replicas"].intValue ?? 0)"),
                    .int(s["updatedReplicas"].intValue ?? 0), .int(s["availableReplicas"].intValue ?? 0), age,
                    .string(c), .string(i), .string(LabelSelector(object: o["spec"]["selector"]).text)]
        case .replicasets:
            let (c, i) = containers(o["spec"]["template"]["spec"])
            let s = o["status"]
            return [name, .int(o["spec"]["replicas"].intValue ?? 0), .int(s["replicas"].intValue ?? 0),
                    .int(s["readyReplicas"].intValue ?? 0), age, .string(c), .string(i),
                    .string(LabelSelector(object: o["spec"]["selector"]).text)]
        case .services:
            let spec = o["spec"]
            let ports = (spec["ports"].arrayValue ?? []).map { p -> String in
                let port = p["port"].intValue ?? 0
                let proto = p["protocol"].stringValue ?? "TCP"
                if let np = p["nodePort"].intValue { return "\(port):\(np)/\(proto)" }
                return "\(port)/\(proto)"
            }.joined(separator: ",")
            let selector = spec["selector"].stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",")
            var external = "<none>"
            if spec["type"].stringValue == "LoadBalancer" {
                let ing = (o["status"]["loadBalancer"]["ingress"].arrayValue ?? []).compactMap { $0["ip"].stringValue }
                external = ing.isEmpty ? "<pending>" : ing.joined(separator: ",")
            }
            return [name, .string(spec["type"].stringValue ?? "ClusterIP"), .string(spec["clusterIP"].stringValue ?? "<none>"),
                    .string(external), .string(ports.isEmpty ? "<none>" : ports), age,
                    .string(selector.isEmpty ? "<none>" : selector)]
        case .pods:
            return podCells(o, name: name, age: age, now: now)
        }
    }

    private static func podCells(_ o: JSON, name: JSON, age: JSON, now: Double) -> [JSON] {
        let status = o["status"]
        let statuses = status["containerStatuses"].arrayValue ?? []
        let total = o["spec"]["containers"].arrayValue?.count ?? 0
        let ready = statuses.filter { $0["ready"].boolValue == true }.count
        var restarts = 0
        var lastRestart: String?
        var reason = status["reason"].stringValue ?? status["phase"].stringValue ?? "Unknown"
        for cs in statuses.reversed() {
            restarts += cs["restartCount"].intValue ?? 0
            if let finished = cs["lastState"]["terminated"]["finishedAt"].stringValue { lastRestart = finished }
            if let w = cs["state"]["waiting"]["reason"].stringValue, !w.isEmpty {
                reason = w
            } else if let t = cs["state"]["terminated"]["reason"].stringValue, !t.isEmpty {
                reason = t
            }
        }
        if !o["metadata"]["deletionTimestamp"].isNull { reason = "Terminating" }
        var restartText = "\(restarts)"
        if restarts > 0, let lastRestart { restartText += " (\(Clock.age(since: lastRestart, now: now)) ago)" }
        return [name, .string("\(ready)/\(total)"), .string(reason), .string(restartText), age,
                .string(status["podIP"].stringValue ?? "<none>"), .string(o["spec"]["nodeName"].stringValue ?? "<none>"),
                "<none>", "<none>"]
    }
}
