import Foundation
import GantryTestSupport

extension World {
    static let prometheus = "/usr/bin/prometheus"

    /// The simulator's API port, read from the kubeconfig it wrote.
    func simulatorPort() throws -> Int {
        let text = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        guard let range = text.range(of: "server: http://127.0.0.1:"),
              let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            throw Failure("no simulator address in \(kubeconfig)")
        }
        return port
    }

    /// Starts Debian's Prometheus scraping the simulator's /metrics every second, on a free
    /// loopback port; returns its base URL once it answers. Killed by PID when the world ends.
    func startPrometheus() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.prometheus) else {
            throw Failure("prometheus is required by this test but \(Self.prometheus) is missing; run scripts/sim-test-setup.sh")
        }
        let port = try Self.freePort()
        let config = directory + "/prometheus.yml"
        try """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: sim
            static_configs: [{targets: ['127.0.0.1:\(try simulatorPort())']}]

        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.prometheus)
        process.arguments = ["--config.file=\(config)", "--storage.tsdb.path=\(directory)/prometheus-data",
                             "--web.listen-address=127.0.0.1:\(port)"]
        _ = FileManager.default.createFile(atPath: directory + "/prometheus.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/prometheus.log")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        adopt(process.processIdentifier)
        let base = "http://127.0.0.1:\(port)"
        let ready = try eventually(20) {
            let result = try BuiltBinary.runPath("/usr/bin/curl", ["-fsS", base + "/-/ready"])
            return result.status == 0
        }
        guard ready else { throw Failure("prometheus did not become ready on \(base)") }
        return base
    }

    /// A free loopback port (bound, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
