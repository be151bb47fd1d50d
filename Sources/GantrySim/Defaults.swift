/// Defaulting as the real API server does it, so objects read back look like a real cluster's and template
/// hashes stay stable across client round trips.
enum Defaults {
    /// Applies the defaults for `resource` to an object about to be stored.
    static func apply(_ resource: ResourceKind, _ object: JSON, clusterIP: () -> String) -> JSON {
        var o = object
        switch resource {
        case .namespaces:
            if let name = o["metadata"]["name"].stringValue {
                o[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name)
            }
            o[path: ["spec", "finalizers"]] = ["kubernetes"]
            o[path: ["status", "phase"]] = "Active"
        case .deployments:
            var spec = o["spec"]
            if spec["replicas"].isNull { spec["replicas"] = 1 }
            if spec["revisionHistoryLimit"].isNull { spec["revisionHistoryLimit"] = 10 }
            if spec["progressDeadlineSeconds"].isNull { spec["progressDeadlineSeconds"] = 600 }
            if spec["strategy"]["type"].isNull { spec[path: ["strategy", "type"]] = "RollingUpdate" }
            if spec["strategy"]["type"].stringValue == "RollingUpdate" {
                if spec["strategy"]["rollingUpdate"]["maxSurge"].isNull { spec[path: ["strategy", "rollingUpdate", "maxSurge"]] = "25%" }
                if spec["strategy"]["rollingUpdate"]["maxUnavailable"].isNull { spec[path: ["strategy", "rollingUpdate", "maxUnavailable"]] = "25%" }
            }
            spec["template"] = podTemplate(spec["template"])
            o["spec"] = spec
        case .replicasets:
            o[path: ["spec", "template"]] = podTemplate(o["spec"]["template"])
        case .pods:
            o["spec"] = podSpec(o["spec"])
        case .services:
            var spec = o["spec"]
            if spec["type"].isNull { spec["type"] = "ClusterIP" }
            if spec["sessionAffinity"].isNull { spec["sessionAffinity"] = "None" }
            if spec["clusterIP"].isNull {
                let ip = clusterIP()
                spec["clusterIP"] = .string(ip)
                spec["clusterIPs"] = [.string(ip)]
            }
            if spec["internalTrafficPolicy"].isNull { spec["internalTrafficPolicy"] = "Cluster" }
            if spec["ipFamilies"].isNull { spec["ipFamilies"] = ["IPv4"] }
            if spec["ipFamilyPolicy"].isNull { spec["ipFamilyPolicy"] = "SingleStack" }
            let exposed = spec["type"].stringValue == "NodePort" || spec["type"].stringValue == "LoadBalancer"
            spec["ports"] = .array((spec["ports"].arrayValue ?? []).enumerated().map { n, p in
                var p = p
                if p["protocol"].isNull { p["protocol"] = "TCP" }
                if p["targetPort"].isNull { p["targetPort"] = p["port"] }
                if exposed, p["nodePort"].isNull { p["nodePort"] = .int(30000 + (abs(hashString(o["metadata"]["name"].stringValue ?? "")) + n) % 2768) }
                return p
            })
            if exposed, spec["externalTrafficPolicy"].isNull { spec["externalTrafficPolicy"] = "Cluster" }
            o["spec"] = spec
            if spec["type"].stringValue == "LoadBalancer" {
                o["status"] = ["loadBalancer": ["ingress": [["ip": "127.0.0.1", "ipMode": "VIP"]]]]
            } else if o["status"].isNull {
                o["status"] = ["loadBalancer": [:]]
            }
        }
        return o
    }

    /// A stable small hash of a string (for deterministic node ports).
    static func hashString(_ s: String) -> Int {
        var h = 5381
        for b in s.utf8 { h = (h &* 33) &+ Int(b) }
        return h & 0x7fff_ffff
    }

    static func podTemplate(_ template: JSON) -> JSON {
        var t = template
        if t["metadata"].isNull { t["metadata"] = [:] }
        t["spec"] = podSpec(t["spec"])
        return t
    }

    static func podSpec(_ spec: JSON) -> JSON {
        var s = spec
        if s["restartPolicy"].isNull { s["restartPolicy"] = "Always" }
        if s["terminationGracePeriodSeconds"].isNull { s["terminationGracePeriodSeconds"] = 30 }
        if s["dnsPolicy"].isNull { s["dnsPolicy"] = "ClusterFirst" }
        if s["schedulerName"].isNull { s["schedulerName"] = "default-scheduler" }
        if s["securityContext"].isNull { s["securityContext"] = [:] }
        s["containers"] = .array((s["containers"].arrayValue ?? []).map(container))
        return s
    }

    static func container(_ c: JSON) -> JSON {
        var c = c
        if c["imagePullPolicy"].isNull {
            let image = c["image"].stringValue ?? ""
            let tag = ImageRef(image).tag
            c["imagePullPolicy"] = (tag == "latest" || tag.isEmpty) ? "Always" : "IfNotPresent"
        }
        if c["terminationMessagePath"].isNull { c["terminationMessagePath"] = "/dev/termination-log" }
        if c["terminationMessagePolicy"].isNull { c["terminationMessagePolicy"] = "File" }
        if c["resources"].isNull { c["resources"] = [:] }
        if let ports = c["ports"].arrayValue {
            c["ports"] = .array(ports.map { p in
                var p = p
                if p["protocol"].isNull { p["protocol"] = "TCP" }
                return p
            })
        }
        return c
    }

    /// Removes nulls and empty objects/arrays recursively, so equivalent templates compare and hash equal.
    static func normalised(_ v: JSON) -> JSON {
        switch v {
        case .object(let o):
            var out: [String: JSON] = [:]
            for (k, val) in o {
                let n = normalised(val)
                switch n {
                case .null: continue
                case .object(let x) where x.isEmpty: continue
                case .array(let x) where x.isEmpty: continue
                default: out[k] = n
                }
            }
            return .object(out)
        case .array(let a): return .array(a.map(normalised))
        default: return v
        }
    }
}

/// An image reference split into repository and tag (`repo/web:2` -> `repo/web`, `2`).
struct ImageRef: Equatable {
    let repository: String
    let tag: String

    init(_ image: String) {
        var s = image
        if let at = s.firstIndex(of: "@") { s = String(s[..<at]) }
        if let colon = s.lastIndex(of: ":"), !s[colon...].contains("/") {
            repository = String(s[..<colon])
            tag = String(s[s.index(after: colon)...])
        } else {
            repository = s
            tag = "latest"
        }
    }
}
