import Foundation
@testable import GantryExecutor
import XCTest

/// The redactor against a corpus of encodings, each produced by the tool that really emits it
/// (Python's base64, urllib.parse and json, bash's `printf %q`), written down here as text.
final class RedactorTests: XCTestCase {
    static let secret = "p@ss/w0rd+key! x"

    /// Every form a stage's output may carry the secret in.
    static let forms: [(name: String, text: String)] = [
        ("raw", "connecting with p@ss/w0rd+key! x now"),
        ("base64", "token cEBzcy93MHJkK2tleSEgeA== sent"),
        ("base64 url-safe, no padding", "k=cEBzcy93MHJkK2tleSEgeA&next"),
        ("base64 of user:secret (basic auth)", "Authorization-ish ZGVwbG95OnBAc3MvdzByZCtrZXkhIHg="),
        ("python quote", "GET /login?pw=p%40ss/w0rd%2Bkey%21%20x HTTP/1.1"),
        ("python quote safe=''", "pw=p%40ss%2Fw0rd%2Bkey%21%20x"),
        ("python quote_plus", "form: pw=p%40ss%2Fw0rd%2Bkey%21+x&user=deploy"),
        ("json.dumps with \\/", #"{"password": "p@ss\/w0rd+key! x"}"#),
        ("json \\u escapes", #"{"pw": "\u0070\u0040\u0073\u0073\u002f\u0077\u0030\u0072\u0064\u002b\u006b\u0065\u0079\u0021\u0020\u0078"}"#),
        ("shlex.quote", "+ psql --password 'p@ss/w0rd+key! x'"),
        ("bash printf %q", #"+ exec psql p@ss/w0rd+key\!\ x"#),
    ]

    func testEveryEncodingOfADeclaredSecretIsMasked() {
        let redactor = Redactor(secrets: [Self.secret])
        for (name, text) in Self.forms {
            let out = redactor.redact(text)
            XCTAssertTrue(out.contains(Redactor.mask), "\(name): \(out)")
            for fragment in ["p@ss", "w0rd", "cEBzcy93MHJk", "ZGVwbG95OnBAc3Mv", "p%40ss", #"\u0070\u0040"#] {
                XCTAssertFalse(out.contains(fragment), "\(name) leaks '\(fragment)': \(out)")
            }
        }
    }

    /// Found without being declared: a URL's password, `Authorization:` credentials, well-known
    /// token prefixes; and a secret URL masks its password wherever the password appears alone.
    func testPatternsAndURLSecrets() {
        let plain = Redactor(secrets: [])
        XCTAssertEqual(plain.redact("DB_URL=postgres://app:Sup3rS3cretPw@db.internal:5432/shop"),
                       "DB_URL=postgres://app:\(Redactor.mask)@db.internal:5432/shop")
        XCTAssertEqual(plain.redact("curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc' https://x"),
                       "curl -H 'Authorization: Bearer \(Redactor.mask)' https://x")
        XCTAssertEqual(plain.redact(#"{"authorization":"Basic ZGVwbG95OnBAc3M="}"#), #"{"authorization":"Basic \#(Redactor.mask)"}"#)
        XCTAssertEqual(plain.redact("STRIPE_KEY=sk_live_51HabcdefGHIJKL0123 charged"), "STRIPE_KEY=sk_live_\(Redactor.mask) charged")
        XCTAssertEqual(plain.redact("aws AKIAIOSFODNN7EXAMPLE ok"), "aws AKIA\(Redactor.mask) ok")
        XCTAssertEqual(plain.redact("MASKIAIOSFODNN7EXAMPLE and sk_live_x"), "MASKIAIOSFODNN7EXAMPLE and sk_live_x",
                       "a prefix inside a word, or too short a token, is ordinary text")
        let fromURL = Redactor(secrets: ["postgres://app:Sup3rS3cretPw@db.internal:5432/shop"])
        XCTAssertEqual(fromURL.redact("password authentication failed: Sup3rS3cretPw"),
                       "password authentication failed: \(Redactor.mask)")
        XCTAssertEqual(fromURL.redact("plain words stay"), "plain words stay")
    }

    func testSecretsFromTheEnvironmentByNameAndByURL() {
        let found = Set(Redactor.secretsFromEnvironment(["DB_URL": "postgres://app:Sup3rS3cretPw@db/shop", "STRIPE_KEY": "sk_live_51Habcdef",
                                                         "CACHE_KEY": "web", "PATH": "/usr/bin", "GITHUB_TOKEN": "ghp_0123456789abcdef"]))
        XCTAssertEqual(found, ["postgres://app:Sup3rS3cretPw@db/shop", "sk_live_51Habcdef", "ghp_0123456789abcdef"],
                       "a short value under a secret-looking name is not masked everywhere")
    }
}
