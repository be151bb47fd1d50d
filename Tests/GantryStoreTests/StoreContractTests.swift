import Foundation
import GantryStore
import GantryTestSupport
import XCTest

// The shared contract, run against both stores. One test method per contract check.

/// The in-memory store: "reopening" hands back the same instance.
final class InMemoryEventStoreContractTests: XCTestCase {
    let contract = EventStoreContract {
        let store = InMemoryEventStore()
        return StoreSubject(store: store, reopen: { store })
    }

    func test_appendNumbersEventsInOrder() throws { try contract.appendNumbersEventsInOrder() }
    func test_roundTripsEveryKind() throws { try contract.roundTripsEveryKind() }
    func test_readHonoursAfterAndLimit() throws { try contract.readHonoursAfterAndLimit() }
    func test_readStreamReturnsOneDeploy() throws { try contract.readStreamReturnsOneDeploy() }
    func test_forEachVisitsEveryEventOnce() throws { try contract.forEachVisitsEveryEventOnce() }
    func test_lastSeqAndStreamVersion() throws { try contract.lastSeqAndStreamVersion() }
    func test_emptyAppendIsANoOp() throws { try contract.emptyAppendIsANoOp() }
    func test_reopenKeepsEverything() throws { try contract.reopenKeepsEverything() }
    func test_noStreamRejectsAnExistingStream() throws { try contract.noStreamRejectsAnExistingStream() }
    func test_exactVersionDetectsConflicts() throws { try contract.exactVersionDetectsConflicts() }
    func test_failedAppendsWriteNothing() throws { try contract.failedAppendsWriteNothing() }
    func test_concurrentWritersLoseNothing() throws { try contract.concurrentWritersLoseNothing() }
    func test_concurrentOptimisticWritersSerialise() throws { try contract.concurrentOptimisticWritersSerialise() }
    func test_subscriptionDeliversExistingThenLive() async throws { try await contract.subscriptionDeliversExistingThenLive() }
    func test_subscriptionFromTheEndSeesOnlyNewEvents() async throws { try await contract.subscriptionFromTheEndSeesOnlyNewEvents() }
    func test_subscribersAreIndependent() async throws { try await contract.subscribersAreIndependent() }
    func test_subscriptionSeesAppendsThroughAnotherHandle() async throws { try await contract.subscriptionSeesAppendsThroughAnotherHandle() }
}

/// The SQLite store: each check gets a new file; reopening opens a second handle on it.
final class SQLiteEventStoreContractTests: XCTestCase {
    let directory = TemporaryDirectory("contract")

    lazy var contract = EventStoreContract { [directory] in
        let path = directory.path("\(UUID().uuidString)/events.sqlite")
        return StoreSubject(store: try SQLiteEventStore(path: path), reopen: { try SQLiteEventStore(path: path) })
    }

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    func test_appendNumbersEventsInOrder() throws { try contract.appendNumbersEventsInOrder() }
    func test_roundTripsEveryKind() throws { try contract.roundTripsEveryKind() }
    func test_readHonoursAfterAndLimit() throws { try contract.readHonoursAfterAndLimit() }
    func test_readStreamReturnsOneDeploy() throws { try contract.readStreamReturnsOneDeploy() }
    func test_forEachVisitsEveryEventOnce() throws { try contract.forEachVisitsEveryEventOnce() }
    func test_lastSeqAndStreamVersion() throws { try contract.lastSeqAndStreamVersion() }
    func test_emptyAppendIsANoOp() throws { try contract.emptyAppendIsANoOp() }
    func test_reopenKeepsEverything() throws { try contract.reopenKeepsEverything() }
    func test_noStreamRejectsAnExistingStream() throws { try contract.noStreamRejectsAnExistingStream() }
    func test_exactVersionDetectsConflicts() throws { try contract.exactVersionDetectsConflicts() }
    func test_failedAppendsWriteNothing() throws { try contract.failedAppendsWriteNothing() }
    func test_concurrentWritersLoseNothing() throws { try contract.concurrentWritersLoseNothing() }
    func test_concurrentOptimisticWritersSerialise() throws { try contract.concurrentOptimisticWritersSerialise() }
    func test_subscriptionDeliversExistingThenLive() async throws { try await contract.subscriptionDeliversExistingThenLive() }
    func test_subscriptionFromTheEndSeesOnlyNewEvents() async throws { try await contract.subscriptionFromTheEndSeesOnlyNewEvents() }
    func test_subscribersAreIndependent() async throws { try await contract.subscribersAreIndependent() }
    func test_subscriptionSeesAppendsThroughAnotherHandle() async throws { try await contract.subscriptionSeesAppendsThroughAnotherHandle() }
}
