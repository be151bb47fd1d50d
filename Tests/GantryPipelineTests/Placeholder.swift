import XCTest
final class GantryPipelineTestsPlaceholder: XCTestCase { func testBuilds() {} }
