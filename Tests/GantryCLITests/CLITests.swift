import Foundation
import GantryCore
@testable import GantryStore
import GantryTestSupport
import GRDB
import XCTest

/// Runs the built `gantry` binary and asserts its exact output and exit status.
final class CLITests: XCTestCase {
    private var directory = ""
    private var store = ""
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "gantry-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = directory + "/events.sqlite"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func gantry(_ arguments: String...) throws -> BuiltBinary.Result {
        try BuiltBinary.run("gantry", arguments, directory: directory)
    }

    func testHelpListsEveryCommand() throws {
        let result = try gantry("--help")
        XCTAssertEqual(result.status, 0)
        for command in ["console", "demo", "agent", "sim", "deploy", "rollback", "approve", "tick", "resume",
                        "check", "history", "show", "export", "Run `gantry demo`"] {
            XCTAssertTrue(result.stdout.contains(command), "help lacks \(command):\n\(result.stdout)")
        }
    }

    /// `gantry-bench --help` prints its options and runs nothing; `--only` refuses a group it
    /// does not have, naming the ones it has.
    func testBenchHelpAndOnly() throws {
        let help = try BuiltBinary.run("gantry-bench", ["--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssertTrue(help.stdout.hasPrefix("usage: gantry-bench [--only GROUP[,GROUP...]] [options]\n"), help.stdout)
        for group in ["fold", "compose", "store", "instructions", "output", "deploy", "oncall", "scale", "console"] {
            XCTAssertTrue(help.stdout.contains("\n  \(group) "), "help lacks \(group):\n\(help.stdout)")
        }
        XCTAssertFalse(help.stdout.contains("gantry-bench ("), "--help runs no benchmark")
        let wrong = try BuiltBinary.run("gantry-bench", ["--only", "fold,speed"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertEqual(wrong.stderr,
                       "error: no group 'speed'; groups: fold, compose, store, instructions, output, deploy, oncall, scale, console\n")
        let fold = try BuiltBinary.run("gantry-bench", ["--only", "fold", "--events", "20000"])
        XCTAssertEqual(fold.status, 0, fold.stderr)
        XCTAssertTrue(fold.stdout.contains("fold throughput (20000 events)"), fold.stdout)
        XCTAssertTrue(fold.stdout.contains("fold vs a plain Swift fold"), fold.stdout)
        XCTAssertFalse(fold.stdout.contains("append") || fold.stdout.contains("compose"), fold.stdout)
        // The run ends with the summary table, with the machine.
        XCTAssertTrue(fold.stdout.contains("| figure | value | baseline (same run) | ratio | target | |"), fold.stdout)
        XCTAssertTrue(fold.stdout.contains("cores · load "), fold.stdout)
    }

    /// A 0-byte store file is a log that lost its contents, or a stray file: every command, reader
    /// or writer, refuses it with the same message, and none turns it into a new log.
    func testAnEmptyStoreFileIsRefusedAlikeByEveryCommand() throws {
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        stages:
          - { id: staging, deploy: staging }
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
        XCTAssertTrue(FileManager.default.createFile(atPath: store, contents: Data()))
        let message = "Error: \(store) is empty (0 bytes) and holds no Gantry log; if it held your log, restore it from a "
            + "backup, otherwise delete it and Gantry starts a new log there\n"
        let commands: [[String]] = [
            ["history"], ["show", "staging-1"], ["export", "staging-1", "--format", "md"],
            ["deploy", "staging", "--version", "1.0.0", "--headless"], ["deploy", "staging", "--version", "1.0.0"],
            ["approve", "staging"], ["tick", "staging", "backup"], ["rollback", "staging"], ["resume", "staging-1"],
        ]
        for command in commands {
            let result = try BuiltBinary.run("gantry", command + ["--store", store], directory: directory)
            XCTAssertEqual(result.status, 1, "\(command)")
            XCTAssertEqual(result.stderr, message, "\(command)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: store)).count, 0, "the file is left as it was")
    }

    /// A NUL byte in an argument would cut it short at exec: `gantry check` refuses it at its place.
    func testCheckRefusesAControlCharacterInAnArgument() throws {
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: { context: staging, namespace: web }
            strategy: rolling
        stages:
          - { id: migrate, run: ["./migrate", "--target=db\\0--drop"] }
          - { id: staging, deploy: staging, needs: [migrate] }
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
        let result = try gantry("check")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, """
            gantry.yaml:8:39: error: 'run[1]' holds the control character U+0000 (NUL) at character 12 of the string \
            "--target=db\\u{0}--drop"; remove it (names, arguments and versions may hold none)
            1 error in gantry.yaml

            """)
    }

    /// An approval edited behind Gantry's back (its checksum recomputed) and a deleted row are
    /// named by `gantry verify`; `show` warns before it prints the deploy.
    func testVerifyFindsAnEditedApprovalAndADeletedRowAndShowWarns() throws {
        try SeededStore.create(at: store)
        var result = try gantry("verify", "--store", store)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("\(store): 23 events, chain intact (SHA-256, last link "), result.stdout)

        let queue = try DatabaseQueue(path: store)
        let seq = try queue.write { db -> Int64 in
            let row = try XCTUnwrap(try Row.fetchOne(db, sql: """
                SELECT seq, stream, stream_version, kind, schema, time, payload FROM events WHERE actor = 'carol' ORDER BY seq LIMIT 1
                """))
            let payload: Data = row[6]
            let crc = payload.withUnsafeBytes { bytes in
                EventRows.checksum(seq: row[0], streamVersion: row[2], kind: UInt16(row[3] as Int64), schema: UInt16(row[4] as Int64),
                                   time: row[5], stream: row[1], actor: "mallory", payload: bytes)
            }
            try db.execute(sql: "UPDATE events SET actor = 'mallory', crc = ? WHERE seq = ?", arguments: [Int64(crc), row[0] as Int64])
            return row[0]
        }
        try queue.close()
        result = try gantry("verify", "--store", store)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "Error: the log \(store) was altered: the chain breaks at event \(seq): event \(seq), or event "
                       + "\(seq - 1) before it, was changed or inserted after it was written (its SHA-256 link does not match); the "
                       + "\(seq - 1) events before it are intact\n")
        let shown = try gantry("show", "production-2.1", "--store", store)
        XCTAssertEqual(shown.status, 0)
        XCTAssertTrue(shown.stdout.hasPrefix("WARNING: the log was altered (the chain breaks at event \(seq)"), shown.stdout)
        XCTAssertTrue(shown.stderr.hasPrefix("warning: the log was altered: "), shown.stderr)

        try SeededStore.create(at: directory + "/deleted.sqlite")
        let deleted = try DatabaseQueue(path: directory + "/deleted.sqlite")
        try deleted.write { db in try db.execute(sql: "DELETE FROM events WHERE seq = 7") }
        try deleted.close()
        result = try gantry("verify", "--store", directory + "/deleted.sqlite")
        XCTAssertEqual(result.stderr, "Error: the log \(directory)/deleted.sqlite was altered: event 7 is missing (deleted): the log "
                       + "goes from 6 to 8; the 6 events before it are intact\n")
    }

    func testHistoryOfEmptyAndSeededStore() throws {
        var result = try gantry("history", "--store", store)
        XCTAssertEqual(result.stdout, "No deploys yet.\n")
        XCTAssertEqual(result.status, 0)
        try SeededStore.create(at: store)
        result = try gantry("history", "--store", store)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
        DEPLOY              ENV         VERSION  STATUS       BY     REQUESTED             DURATION
        production-2.1.0-1  production  2.1.0    rolled-back  alice  2027-01-15 08:04:00Z  17m00s
        production-2.0.0-1  production  2.0.0    succeeded    alice  2027-01-15 08:01:00Z  1m00s

        """)
        result = try gantry("history", "--store", store, "--env", "staging")
        XCTAssertEqual(result.stdout, "No deploys to staging yet.\n")
    }

    func testShowPrintsStagesGatesChecklistAndAuditTrail() throws {
        try SeededStore.create(at: store)
        let result = try gantry("show", "production-2.1", "--store", store)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
        Deploy production-2.1.0-1: 2.1.0 to production (canary)
        Status: rolled-back — error-rate 7.2% > critical 5% (rollback done, requested by executor: error-rate 7.2% > critical 5%)
        Requested by alice at 2027-01-15 08:04:00Z, ran 17m00s
        Rollback target: 2.0.0

        Stages
          STAGE       STATUS     DURATION  DETAIL
          build       succeeded  2m00s     docker build -t 127.0.0.1:5000/shop/web:2.1.0 .
          prod-gate   pending    -
          production  failed     7m00s     rolled back: error-rate critical

        Gate prod-gate: open

        Checklist pre-deploy
               ITEM    TEXT                     BY        EVIDENCE
          [x]  tests   All tests passing        executor  142 passed
          [x]  backup  Database backup created  dave      snapshot db-0042

        Approvals
          production: bob at 2027-01-15 08:11:00Z — lgtm
          production: carol at 2027-01-15 08:12:00Z

        Metrics
          error-rate: 0.072 (critical, 1 samples)

        Audit trail
          SEQ  TIME                  ACTOR     WHAT
          5    2027-01-15 08:04:00Z  alice     requested 2.1.0 to production
          6    2027-01-15 08:05:00Z  executor  started deploy
          10   2027-01-15 08:09:00Z  executor  verified pre-deploy/tests: passed
          11   2027-01-15 08:10:00Z  dave      ticked pre-deploy/backup: "snapshot db-0042"
          12   2027-01-15 08:11:00Z  bob       approved production: "lgtm"
          13   2027-01-15 08:12:00Z  carol     approved production
          14   2027-01-15 08:13:00Z  executor  gate prod-gate opened
          18   2027-01-15 08:17:00Z  executor  error-rate 0.072 crossed critical 0.05
          19   2027-01-15 08:18:00Z  executor  requested rollback: error-rate 7.2% > critical 5%
          20   2027-01-15 08:19:00Z  executor  rollback to 2.0.0 started (kubectl scale deployment/web-canary --replicas=0)
          21   2027-01-15 08:20:00Z  executor  rolled back to 2.0.0
          23   2027-01-15 08:22:00Z  executor  deploy rolled-back: error-rate 7.2% > critical 5%

        """)
    }

    func testExportJSONLinesAndMarkdown() throws {
        try SeededStore.create(at: store)
        var result = try gantry("export", "production-2.1.0-1", "--store", store, "--format", "jsonl")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 19)
        XCTAssertEqual(lines[0], #"{"seq":5,"time":"2027-01-15T08:04:00.000Z","deploy":"production-2.1.0-1","actor":"alice","kind":"deploy.requested","environment":"production","version":"2.1.0","strategy":"canary","stages":["build","prod-gate","production"]}"#)
        XCTAssertEqual(lines[7], #"{"seq":12,"time":"2027-01-15T08:11:00.000Z","deploy":"production-2.1.0-1","actor":"bob","kind":"approval.given","scope":"production","comment":"lgtm"}"#)
        for line in lines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), line)
        }
        result = try gantry("export", "production-2.1.0-1", "--store", store, "--format", "md")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("# Deploy production-2.1.0-1\n\n- **Version:** 2.1.0 to **production** (canary)\n"))
        XCTAssertTrue(result.stdout.contains("| 12 | 2027-01-15 08:11:00Z | bob | approved production: \"lgtm\" |"), result.stdout)
    }

    func testUnknownDeployAndBadStoreGiveClearErrors() throws {
        try SeededStore.create(at: store)
        var result = try gantry("show", "staging-9", "--store", store)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "Error: no deploy 'staging-9' in \(store); `gantry history` lists them\n")
        result = try gantry("show", "production", "--store", store)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("'production' matches 2 deploys"), result.stderr)

        let garbage = directory + "/garbage.sqlite"
        try Data("this is not a database, just text\n".utf8).write(to: URL(fileURLWithPath: garbage))
        result = try gantry("history", "--store", garbage)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.hasPrefix("Error: \(garbage) is not a Gantry event store"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Fatal error"))
    }

    func testHostileTextNeverReachesTheTerminal() throws {
        let hostile = "\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\rgotcha\u{202E}"
        let store = try SQLiteEventStore(path: self.store)
        let id = DeployID("staging-1")
        try store.append(PendingEvent(time: SeededStore.t0, actor: "eve\u{1B}[31m", deploy: id,
                                      payload: .deployRequested(environment: "staging", version: "1.0.0", policy: SeededStore.policy)))
        try store.append(PendingEvent(time: SeededStore.t0, actor: "eve", deploy: id,
                                      payload: .checklistItemTicked(checklist: "pre-deploy", item: "backup", note: hostile)))
        store.close()
        for arguments in [["show", "staging-1"], ["history"], ["export", "staging-1", "--format", "md"],
                          ["export", "staging-1", "--format", "jsonl"]] {
            let result = try BuiltBinary.run("gantry", arguments + ["--store", self.store])
            XCTAssertEqual(result.status, 0, result.stderr)
            let unsafe = result.stdout.unicodeScalars.filter { $0 != "\n" && SafeText.isUnsafe($0) }
            XCTAssertTrue(unsafe.isEmpty, "\(arguments): \(unsafe.map { String($0.value, radix: 16) })")
        }
    }

    func testConsoleThemeComesFromFlagThenEnvironmentThenPipelineFile() throws {
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web } }
        stages:
          - { id: staging, deploy: staging }
        console:
          theme: drak
        """.write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/themes", withIntermediateDirectories: true)
        try "base = dark\n".write(toFile: directory + "/themes/corp.theme", atomically: true, encoding: .utf8)
        let quiet = ["GANTRY_THEME": ""]
        // The file's theme, reported at its place with the nearest known name.
        var result = try BuiltBinary.run("gantry", [], environment: quiet, directory: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "Error: gantry.yaml:8:10: console.theme: no such theme 'drak', did you mean 'dark'? "
            + "(known: dark, light, high-contrast, monochrome, corp; or a path to a .theme file)\n")
        // GANTRY_THEME comes before the file.
        result = try BuiltBinary.run("gantry", [], environment: ["GANTRY_THEME": "nosuch"], directory: directory)
        XCTAssertEqual(result.stderr, "Error: theme: nosuch: no such theme (built-in: dark, light, high-contrast, monochrome; "
            + "or give a path to a .theme file)\n")
        // --theme comes before both.
        result = try BuiltBinary.run("gantry", ["--theme", "nosuch2"], environment: ["GANTRY_THEME": "light"], directory: directory)
        XCTAssertEqual(result.stderr, "Error: theme: nosuch2: no such theme (built-in: dark, light, high-contrast, monochrome; "
            + "or give a path to a .theme file)\n")
        // A good theme anywhere gets as far as the terminal (there is none here).
        for (arguments, environment) in [(["--theme", "light"], quiet), ([], ["GANTRY_THEME": "monochrome"])] {
            result = try BuiltBinary.run("gantry", arguments, environment: environment, directory: directory)
            XCTAssertEqual(result.stderr, "Error: the console needs a terminal (stdin and stdout must be a tty)\n", "\(arguments)")
        }
        try String(contentsOfFile: directory + "/gantry.yaml", encoding: .utf8).replacingOccurrences(of: "drak", with: "corp")
            .write(toFile: directory + "/gantry.yaml", atomically: true, encoding: .utf8)
        result = try BuiltBinary.run("gantry", [], environment: quiet, directory: directory)
        XCTAssertEqual(result.stderr, "Error: the console needs a terminal (stdin and stdout must be a tty)\n")
    }

    func testCheckValidExamplesAndBrokenFile() throws {
        var result = try gantry("check", root + "/examples/canary.yaml")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
        \(root)/examples/canary.yaml: ok — app web, image 127.0.0.1:5000/shop/web
          environment staging: rolling on staging/web
          environment production: canary on prod/web, 2 approvals
          stages: build → push → migrate → staging → prod-gate → production → watch → post-deploy

        """)
        let broken = directory + "/gantry.yaml"
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging:
            kube: {context: s, namespace: web}
            strategey: rolling
        stages:
          - {id: a, deploy: staging, needs: [b]}
          - {id: b, run: [x], needs: [a]}

        """.write(toFile: broken, atomically: true, encoding: .utf8)
        result = try gantry("check")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr, """
        gantry.yaml:6:5: error: unknown key 'strategey' in environment 'staging', did you mean 'strategy'?
        gantry.yaml:8:38: error: 'needs' forms a cycle: stage 'a' -> 'b' -> 'a'
        2 errors in gantry.yaml

        """)
        result = try gantry("check", "missing.yaml")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "missing.yaml: error: no such file\nwrite a pipeline file (see examples/ in the Gantry repository) or pass its path: gantry check PATH\n")
    }
}
