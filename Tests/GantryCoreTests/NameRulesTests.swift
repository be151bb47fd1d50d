import GantryCore
import XCTest

final class NameRulesTests: XCTestCase {
    func testDNS1123Labels() {
        for good in ["web", "a", "web-2", "0abc", String(repeating: "a", count: 63)] {
            XCTAssertTrue(NameRules.isDNS1123Label(good), good)
        }
        for bad in ["", "-web", "web-", "Web", "we_b", "web.app", "a;b", "$(id)", "é", String(repeating: "a", count: 64)] {
            XCTAssertFalse(NameRules.isDNS1123Label(bad), bad)
        }
        XCTAssertTrue(NameRules.isDNS1123Subdomain("web.shop.example"))
        XCTAssertFalse(NameRules.isDNS1123Subdomain("web..shop"))
    }

    func testHostileVersionsAreRefused() {
        for good in ["2.1.0", "v1", "1.0.0-rc.1", "2024_11_22"] { XCTAssertNil(NameRules.versionProblem(good), good) }
        XCTAssertEqual(NameRules.versionProblem("--help"), "a version may not start with '-' or '.'")
        XCTAssertEqual(NameRules.versionProblem(""), "the version is empty")
        for bad in ["1;rm -rf", "$(id)", "`id`", "1\n2", "1\u{0}", "1\u{202E}2", "a b", "../x"] {
            XCTAssertNotNil(NameRules.versionProblem(bad), bad)
        }
    }
}
