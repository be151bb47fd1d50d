import Foundation

/// Memory of a deploy whose step prints a flood of output: `gantry deploy --headless` (release
/// binary beside this one) runs a stage that prints `megabytes` MB of 80-byte lines and then
/// fails, so nothing else runs. Reports the executor's peak RSS (its VmHWM, sampled every 20 ms
/// until it exits), the output rate, and how much the store grew.
enum OutputBench {
    static func run(megabytes: Int) {
        let gantry = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gantry").path
        guard FileManager.default.isExecutableFile(atPath: gantry) else {
            print("output benchmark failed: \(gantry) is missing (swift build -c release)")
            exit(1)
        }
        let directory = NSTemporaryDirectory() + "gantry-output-bench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = megabytes * 1_000_000
        let pipeline = """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        stages:
          - { id: noisy, run: [sh, -c, "yes 'a line of build output, the kind a chatty compiler prints all day long....' | head -c \(bytes); exit 3"] }
          - { id: deploy, deploy: staging, needs: [noisy] }
        """
        do {
            try pipeline.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: gantry)
            process.arguments = ["deploy", "staging", "--version", "1.0.0", "--headless", "--file", directory + "/gantry.yaml"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let start = DispatchTime.now().uptimeNanoseconds
            try process.run()
            // The child's own high-water mark (VmHWM), read while it runs: `ru_maxrss` of a
            // child counts this (large) process's pages from before the exec.
            var peakKB = 0
            while process.isRunning {
                if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                   let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                   let kb = Int(line.split(separator: " ").dropFirst().first ?? "") {
                    peakKB = max(peakKB, kb)
                }
                usleep(20_000)
            }
            process.waitUntilExit()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let peak = Double(peakKB) / 1024
            let stored = (try? FileManager.default.attributesOfItem(atPath: directory + "/.gantry/events.sqlite")[.size] as? Int) ?? 0
            guard process.terminationStatus == 1 else {
                print("output benchmark failed: gantry exited \(process.terminationStatus), expected 1 (the noisy stage fails)")
                exit(1)
            }
            Bench.report("executor RSS, a step printing \(megabytes) MB", String(format: "%.0f MB peak", peak),
                         target: "<= 100 MB", met: peak <= 100)
            Bench.report("  output stored", String(format: "%.1f MB/s, store %.1fx", Double(megabytes) / seconds,
                                                   Double(stored) / Double(max(bytes, 1))),
                         target: "(figure only)", met: true)
        } catch {
            print("output benchmark failed: \(error)")
            exit(1)
        }
    }
}
