import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    /// A real Prometheus (Debian's package) scrapes the simulator's /metrics on 127.0.0.1.
    @Suite struct PrometheusScrape {
        static let prometheusPath = "/usr/bin/prometheus"

        /// A free loopback port (bound then released).
        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                    bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
                }
            }
            guard ok else { throw SimHarness.Missing(description: "no free port") }
            return Int(UInt16(bigEndian: addr.sin_port))
        }

        static func query(_ port: Int, _ promQL: String) async throws -> JSON {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let q = promQL.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            let r = try await HTTPGet.get(port: port, path: "/api/v1/query?query=\(q)")
            return try JSON.parse(r.body)
        }

        @Test func prometheusScrapesRequestCountsAndLatency() async throws {
            guard FileManager.default.isExecutableFile(atPath: Self.prometheusPath) else {
                throw SimHarness.Missing(description: "prometheus is required by this test but \(Self.prometheusPath) is missing; run scripts/sim-test-setup.sh (apt-get install prometheus)")
            }
            var scenario = SimHarness.fastScenario()
            var bad = VersionProfile()
            bad.errorRate = 1.0
            bad.latencyMedianMs = 1
            bad.latencyP99Ms = 2
            scenario.versions = [("web:bad", bad)]
            let h = try await SimHarness.start(scenario)
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:bad", replicas: 2)
                + "---\n" + SimHarness.service("web", selector: ["app": "web"])))
            #expect(await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s").status == 0)
            _ = await h.eventually { h.sim.serviceURL(cluster: "staging", namespace: "demo", name: "web") != nil }
            let url = try #require(h.sim.serviceURL(cluster: "staging", namespace: "demo", name: "web"))
            let svcPort = try #require(Int(url.split(separator: ":").last ?? ""))
            for _ in 0..<40 { _ = try await HTTPGet.get(port: svcPort, path: "/") }

            let promPort = try Self.freePort()
            let config = """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: sim
                    static_configs: [{targets: ['127.0.0.1:\(h.sim.port)']}]

                """
            let configPath = try h.manifest("prom.yml", config)
            let prom = Process()
            prom.executableURL = URL(fileURLWithPath: Self.prometheusPath)
            prom.arguments = ["--config.file=\(configPath)", "--storage.tsdb.path=\(h.dir)/prom-data",
                              "--web.listen-address=127.0.0.1:\(promPort)"]
            let log = FileHandle(forWritingAtPath: try h.manifest("prom.log", "")) ?? FileHandle.nullDevice
            prom.standardOutput = log
            prom.standardError = log
            try prom.run()
            let pid = prom.processIdentifier
            defer {
                kill(pid, SIGTERM)
                let deadline = Date().addingTimeInterval(5)
                while prom.isRunning && Date() < deadline { usleep(50_000) }
                if prom.isRunning { kill(pid, SIGKILL) }
            }

            var result: JSON = .null
            var scraped = false
            let deadline = Date().addingTimeInterval(30)
            while !scraped && Date() < deadline {
                if let r = try? await Self.query(promPort, "sum(http_requests_total{service=\"web\",code=\"500\"}) by (version)") {
                    result = r
                    scraped = r["data"]["result"].arrayValue?.first?["value"].arrayValue?.last == "40"
                }
                if !scraped { try await Task.sleep(nanoseconds: 250_000_000) }
            }
            #expect(scraped, "Prometheus never saw the 40 requests: \(result.compactText)")
            #expect(result["status"] == "success")
            #expect(result["data"]["result"].arrayValue?.first?["metric"]["version"] == "bad")
            let count = try await Self.query(promPort, "sum(http_request_duration_seconds_count{namespace=\"demo\",service=\"web\",version=\"bad\"})")
            #expect(count["data"]["result"].arrayValue?.first?["value"].arrayValue?.last == "40", "\(count.compactText)")
            let p99 = try await Self.query(promPort, "histogram_quantile(0.99, sum(http_request_duration_seconds_bucket{service=\"web\"}) by (le))")
            let p99Value = Double(p99["data"]["result"].arrayValue?.first?["value"].arrayValue?.last?.stringValue ?? "") ?? -1
            #expect(p99Value > 0 && p99Value <= 0.01, "latency histogram buckets: \(p99.compactText)")
            let targets = try JSON.parse(try await HTTPGet.get(port: promPort, path: "/api/v1/targets").body)
            #expect(targets["data"]["activeTargets"].arrayValue?.first?["health"] == "up")
        }
    }
}
