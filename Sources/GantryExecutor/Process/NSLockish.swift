import Foundation

/// A tiny lock wrapper (NSLock with a closure API).
final class NSLockish: @unchecked Sendable {
    private let lock = NSLock()
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
