import XCTest
final class GantryCoreTestsPlaceholder: XCTestCase { func testBuilds() {} }
