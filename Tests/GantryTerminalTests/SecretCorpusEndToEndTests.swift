import Foundation
import GantryCore
import GantryTestSupport
import XCTest

/// A secret declared in `secrets:` and printed by a stage in 11 encodings never reaches any of
/// six outputs: the headless screen, the console's log pane (in tmux), the store's bytes,
/// `gantry show`, and both exports. The stage fails on a line holding the secret, so the
/// failure reason (stage and deploy) carries it too.
final class SecretCorpusEndToEndTests: XCTestCase {
    static let secret = "p@ss/w0rd+key! x"
    /// What the executor shows in place of a secret.
    static let mask = "••••••"

    /// The encodings, each as the tool that emits it printed it (Python's base64, urllib.parse
    /// and json; bash's `printf %q`; shlex), one per line.
    static let lines = [
        "raw: connecting with p@ss/w0rd+key! x now",
        "base64: token cEBzcy93MHJkK2tleSEgeA== sent",
        "base64url: k=cEBzcy93MHJkK2tleSEgeA&next",
        "basic-auth: ZGVwbG95OnBAc3MvdzByZCtrZXkhIHg=",
        "quote: GET /login?pw=p%40ss/w0rd%2Bkey%21%20x HTTP/1.1",
        "quote-safe: pw=p%40ss%2Fw0rd%2Bkey%21%20x",
        "quote-plus: pw=p%40ss%2Fw0rd%2Bkey%21+x&user=deploy",
        #"json: {"password": "p@ss\/w0rd+key! x"}"#,
        #"json-u: {"pw": "\u0070\u0040\u0073\u0073\u002f\u0077\u0030\u0072\u0064\u002b\u006b\u0065\u0079\u0021\u0020\u0078"}"#,
        "shlex: + psql --password 'p@ss/w0rd+key! x'",
        #"printf-q: + exec psql p@ss/w0rd+key\!\ x"#,
    ]

    static let fragments = ["p@ss", "w0rd", "cEBzcy93MHJk", "ZGVwbG95OnBAc3Mv", "p%40ss", "u0070"]

    private func assertNoLeak(_ output: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        for fragment in Self.fragments {
            XCTAssertFalse(output.contains(fragment), "\(name) leaks '\(fragment)':\n\(output)", file: file, line: line)
        }
    }

    func testASecretInElevenEncodingsReachesNoneOfSixOutputs() throws {
        let tmux = try TmuxSession(seed: nil)
        let directory = tmux.directory
        // The script is a file of its own: the pipeline file (frozen into the request) holds no secret.
        let script = "#!/bin/sh\n" + Self.lines.map { "printf '%s\\n' '" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
            .joined(separator: "\n") + "\nprintf 'giving up: password %s rejected\\n' \"$DEPLOY_PW\"\nexit 3\n"
        try script.write(toFile: directory + "/print-forms.sh", atomically: true, encoding: .utf8)
        let pipeline = directory + "/gantry.yaml"
        try """
        app: web
        image: 127.0.0.1:5000/shop/web
        environments:
          staging: { kube: { context: staging, namespace: web }, strategy: rolling }
        secrets: { env: [DEPLOY_PW] }
        stages:
          - { id: leak, run: [sh, ./print-forms.sh] }
          - { id: deploy, deploy: staging, needs: [leak] }
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let environment = ["DEPLOY_PW": Self.secret, "GANTRY_ACTOR": "alice"]
        let common = ["--store", tmux.store, "-f", pipeline]

        let deployed = try BuiltBinary.run("gantry", ["deploy", "staging", "--version", "1.0.0", "--headless"] + common,
                                           environment: environment, directory: directory)
        XCTAssertEqual(deployed.status, 1, deployed.stdout + deployed.stderr)
        XCTAssertTrue(deployed.stdout.contains("[leak] printf-q: + exec psql \(Self.mask)"), deployed.stdout)
        XCTAssertTrue(deployed.stdout.contains("giving up: password \(Self.mask) rejected"), deployed.stdout)
        var outputs = ["headless screen": deployed.stdout + deployed.stderr]

        let bytes = try Data(contentsOf: URL(fileURLWithPath: tmux.store))
        outputs["store bytes"] = String(decoding: bytes, as: UTF8.self)
        let state = Reducer.fold(try tmux.events())
        let deploy = try XCTUnwrap(state.deploys[DeployID("staging-1.0.0-1")])
        XCTAssertEqual(deploy.stages[0].log.lines.count, Self.lines.count + 2, "every line was stored (masked)")
        XCTAssertTrue(deploy.outcomeReason.contains(Self.mask), deploy.outcomeReason)

        for (name, arguments) in [("show", ["show", "staging-1.0.0-1"]), ("export md", ["export", "staging-1.0.0-1", "--format", "md"]),
                                  ("export jsonl", ["export", "staging-1.0.0-1", "--format", "jsonl"])] {
            let result = try BuiltBinary.run("gantry", arguments + common, directory: directory)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains(Self.mask), "\(name) shows the masked lines:\n\(result.stdout)")
            outputs[name] = result.stdout
        }

        try tmux.start(common + ["--readonly"], columns: 160, rows: 60)
        let pane = tmux.waitFor(text: "printf-q: + exec psql")
        XCTAssertTrue(pane.contains("giving up: password \(Self.mask) rejected"), pane)
        outputs["console log pane"] = pane

        XCTAssertEqual(outputs.count, 6)
        for (name, output) in outputs { assertNoLeak(output, name) }
    }
}
