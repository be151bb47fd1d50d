import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import XCTest

/// The store's faults as a user meets them, on the real `gantry` binary against `gantry sim`:
/// a full disk (a small tmpfs), a read-only store directory (a read-only bind mount), a WAL cut
/// in its middle, and a step that prints 200 MB. Each says what happened and what to do.
final class StoreFaultEndToEndTests: XCTestCase {
    private var mounts: [String] = []

    override func tearDown() {
        unmountAll()
        super.tearDown()
    }

    /// Unmounts what the test mounted; called before the world's directory is removed.
    private func unmountAll() {
        for path in mounts.reversed() { _ = try? Self.run("/bin/umount", [path]) }
        mounts = []
    }

    private static func run(_ program: String, _ arguments: [String]) throws -> BuiltBinary.Result {
        try BuiltBinary.runPath(program, arguments)
    }

    /// Mounts (as root, which the test command is) and remembers to unmount.
    private func mount(_ arguments: [String], at path: String) throws {
        let result = try Self.run("/bin/mount", arguments + [path])
        guard result.status == 0 else {
            throw World.Failure("mount \(arguments.joined(separator: " ")) \(path) failed (the fault tests run as root): \(result.stderr)")
        }
        mounts.append(path)
    }

    private func pipeline(step: String) -> String {
        """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        stages:
          - { id: migrate, run: ["sh", "-c", "\(step)"] }
          - { id: staging, deploy: staging, needs: [migrate] }
        """
    }

    // MARK: - Disk full

    func testADeployThatCannotRecordStopsAndResumeFinishesItOnceSpaceIsFree() throws {
        let world = try World()
        defer { withExtendedLifetime(world) { unmountAll() } }
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(pipeline(step: "yes 'chatty output line from the migration step' | head -c 5000000"))
        let small = world.directory + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try mount(["-t", "tmpfs", "-o", "size=1600k", "tmpfs"], at: small)
        let store = small + "/events.sqlite"

        let stopped = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless", "--store", store)
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stderr.hasSuffix("""
            deploy staging-1.1.0-1 stopped: cannot record: the disk holding \(store) is full; free space on it — \
            the log stays readable
            when the store takes writes again, `gantry resume staging-1.1.0-1` finishes the deploy

            """), stopped.stderr)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.0.0",
                       "the deploy stopped before touching the cluster")

        let shown = try world.gantry("show", "staging-1.1.0-1", "--store", store)
        XCTAssertEqual(shown.status, 0, "the log stays readable on a full disk: \(shown.stderr)")
        XCTAssertTrue(shown.stdout.contains("Status: running"), shown.stdout)
        let refused = try world.gantry("deploy", "staging", "--version", "1.2.0", "--headless", "--store", store)
        XCTAssertEqual(refused.status, 1)

        _ = try Self.run("/bin/mount", ["-o", "remount,size=64m", small])
        let resumed = try world.gantry("resume", "staging-1.1.0-1", "--store", store)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.hasSuffix("deploy staging-1.1.0-1: succeeded\n"), resumed.stdout)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
        let after = try world.gantry("show", "staging-1.1.0-1", "--store", store)
        XCTAssertTrue(after.stdout.contains("Status: succeeded"), after.stdout)
    }

    // MARK: - Read-only store

    func testAReadOnlyStoreIsReadByEveryReadCommandAndRefusesWrites() throws {
        let world = try World()
        defer { withExtendedLifetime(world) { unmountAll() } }
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(pipeline(step: "echo migrated"))
        let deployed = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(deployed.status, 0, deployed.stdout + deployed.stderr)

        let readOnly = world.directory + "/read-only"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        try mount(["--bind", world.directory + "/.gantry"], at: readOnly)
        try mount(["-o", "remount,ro,bind"], at: readOnly)
        let store = readOnly + "/events.sqlite"

        let history = try world.gantry("history", "--store", store)
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.contains("staging-1.1.0-1  staging  1.1.0    succeeded"), history.stdout)
        let shown = try world.gantry("show", "staging-1.1.0-1", "--store", store)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("Status: succeeded"), shown.stdout)
        let markdown = try world.gantry("export", "staging-1.1.0-1", "--format", "md", "--store", store)
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(markdown.stdout.hasPrefix("# Deploy staging-1.1.0-1"), markdown.stdout)
        let lines = try world.gantry("export", "staging-1.1.0-1", "--format", "jsonl", "--store", store)
        XCTAssertEqual(lines.status, 0, lines.stderr)
        XCTAssertTrue(lines.stdout.contains(#""kind":"deploy.finished""#), lines.stdout)

        let refused = try world.gantry("deploy", "staging", "--version", "1.2.0", "--headless", "--store", store)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("cannot write to \(store)"), refused.stderr)
        XCTAssertEqual(try world.image(context: "staging"), "127.0.0.1:5000/shop/web:1.1.0")
    }

    // MARK: - A damaged WAL

    /// A WAL cut in its middle (a bad copy, a damaged disk): SQLite replays the frames before the
    /// cut and silently drops the rest; Gantry names the missing events on every start.
    func testAWALCutInItsMiddleIsReportedWithTheMissingRange() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(pipeline(step: "echo migrated"))
        let path = world.directory + "/.gantry/events.sqlite"
        let first = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"),
                       "gantry closes its store on the way out: the first deploy is in the file, no WAL is left")
        // Holding the store open keeps the next deploy's events in the WAL (nothing checkpoints
        // them into the file while another connection may read).
        let holder = try SQLiteEventStore(path: path, readOnly: true)
        defer { holder.close() }
        let checkpointed = try holder.lastSeq()
        let second = try world.gantry("deploy", "staging", "--version", "1.2.0", "--headless")
        XCTAssertEqual(second.status, 0, second.stderr)
        let last = try holder.lastSeq()

        // The copy a backup would take, with its WAL cut in the middle.
        let copy = world.directory + "/copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for suffix in ["", "-wal", ".mark"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + "/events.sqlite" + suffix)
        }
        let wal = try Data(contentsOf: URL(fileURLWithPath: copy + "/events.sqlite-wal"))
        XCTAssertGreaterThan(wal.count, 32 + 4096 * 4, "the second deploy's events are in the WAL")
        try wal.prefix(wal.count / 2).write(to: URL(fileURLWithPath: copy + "/events.sqlite-wal"))

        let store = copy + "/events.sqlite"
        let history = try world.gantry("history", "--store", store)
        XCTAssertEqual(history.status, 0, history.stderr)
        let pattern = #"^warning: \#(NSRegularExpression.escapedPattern(for: store)) is missing events (\d+)–(\d+), recorded earlier \(the log ends at event (\d+); "#
        let match = try XCTUnwrap(history.stderr.range(of: pattern, options: .regularExpression), history.stderr)
        let numbers = history.stderr[match].split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
        let (from, to, end) = (numbers[numbers.count - 3], numbers[numbers.count - 2], numbers[numbers.count - 1])
        XCTAssertEqual(to, last, "the missing range ends at the last event the log held")
        XCTAssertEqual(from, end + 1)
        XCTAssertGreaterThan(end, checkpointed, "frames before the cut were kept")
        XCTAssertTrue(history.stderr.contains("Restore \(store) and \(store)-wal from a backup; to accept the loss, delete \(store).mark"))
        XCTAssertTrue(history.stdout.contains("staging  1.2.0    running"),
                      "what survived reads, and the deploy whose end was lost shows unfinished:\n\(history.stdout)")

        let shown = try world.gantry("show", "staging-1.2.0", "--store", store)
        XCTAssertTrue(shown.stderr.hasPrefix("warning: \(store) is missing events \(from)–\(to)"), shown.stderr)
    }

    // MARK: - A chatty step

    func testAStepPrinting200MBStoresAFewMegabytesAndSaysWhatItOmitted() throws {
        let world = try World()
        try world.createApp(context: "staging", replicas: 2)
        try world.writePipeline(pipeline(step: "yes 'a chatty migration step prints this line again and again' | head -c 200000000"))
        let deployed = try world.gantry("deploy", "staging", "--version", "1.1.0", "--headless")
        XCTAssertEqual(deployed.status, 0, deployed.stderr)
        let path = world.directory + "/.gantry/events.sqlite"
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertLessThan(size, 20 << 20, "the store stays small: \(size) bytes")

        let state = try world.state()
        let omitted = try XCTUnwrap(state.deploys[DeployID("staging-1.1.0-1")]?.stage("migrate")?.omittedOutput)
        // 200,000,000 bytes in lines of 57 bytes: 3,508,771 full lines and a cut last one.
        let total = 3_508_772
        let store = try SQLiteEventStore(path: path, readOnly: true)
        defer { store.close() }
        var stored = 0
        try store.forEach(after: 0) { event in
            if case .stageLogged("migrate", .stdout, _) = event.payload { stored += 1 }
        }
        XCTAssertEqual(omitted.lines + stored, total, "every line is either stored or counted")
        XCTAssertLessThan(stored, 100_000)
        XCTAssertGreaterThan(omitted.bytes, 190_000_000)

        let shown = try world.gantry("show", "staging-1.1.0-1")
        XCTAssertTrue(shown.stdout.contains("lines (\(String(format: "%.1f", Double(omitted.bytes) / 1_048_576)) MB) of output not stored"),
                      shown.stdout)
        let lines = try world.gantry("export", "staging-1.1.0-1", "--format", "jsonl")
        XCTAssertTrue(lines.stdout.contains(#""kind":"stage.output-omitted","stage":"migrate","lines":\#(omitted.lines),"bytes":\#(omitted.bytes)}"#))
        let markdown = try world.gantry("export", "staging-1.1.0-1", "--format", "md")
        XCTAssertTrue(markdown.stdout.contains("of output not stored"), markdown.stdout)
    }
}
