import XCTest
final class GantryCLITestsPlaceholder: XCTestCase { func testBuilds() {} }
