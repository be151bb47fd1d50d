import Testing
@testable import GantrySim
