import XCTest
final class GantryStoreTestsPlaceholder: XCTestCase { func testBuilds() {} }
