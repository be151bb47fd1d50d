import Foundation

/// The files a client uses: the kubeconfig and the endpoints file beside it.
extension SimServer {
    /// A kubeconfig with one context per cluster (each with its own object space), all pointing at this server.
    public func kubeconfigText(namespace: String = "default") -> String {
        var y = "apiVersion: v1\nkind: Config\nclusters:\n"
        for c in clusters {
            y += "- name: \(c.name)\n  cluster:\n    server: \(serverURL(cluster: c.name))\n"
        }
        y += "contexts:\n"
        for c in clusters {
            y += "- name: \(c.name)\n  context:\n    cluster: \(c.name)\n    user: gantry-sim\n    namespace: \(namespace)\n"
        }
        y += "current-context: \(clusters.first?.name ?? "")\n"
        y += "users:\n- name: gantry-sim\n  user:\n    token: gantry-sim-token\npreferences: {}\n"
        return y
    }

    /// Writes the kubeconfig and, beside it, the endpoints file; keeps the endpoints file current while running.
    ///
    /// The endpoints file defaults to `sim-endpoints.json` in the kubeconfig's directory.
    public func writeKubeconfig(to path: String, endpointsPath: String? = nil, namespace: String = "default") throws(SimError) {
        try FileWriter.writeAtomically(kubeconfigText(namespace: namespace), to: path)
        let ep = endpointsPath ?? Self.defaultEndpointsPath(kubeconfig: path)
        endpointsFile.withLockedValue { $0 = ep }
        try writeEndpoints()
    }

    /// `sim-endpoints.json` beside the kubeconfig.
    public static func defaultEndpointsPath(kubeconfig: String) -> String {
        let dir = (kubeconfig as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/sim-endpoints.json"
    }

    func writeEndpoints() throws(SimError) {
        guard let path = endpointsFile.withLockedValue({ $0 }) else { return }
        try FileWriter.writeAtomically(JSONWriter.write(endpointsDocument()) + "\n", to: path)
    }

    func endpointsChanged() {
        try? writeEndpoints()
    }
}
