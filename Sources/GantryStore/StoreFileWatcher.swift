import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells a subscription hub that another process may have committed, without polling: the
/// kernel reports writes to the store's files (inotify on the store's directory, filtered to
/// the database file and its `-wal` file). A commit writes its WAL frames with `write()`, so
/// every commit is seen; the hub still looks again a few times after each report (the
/// wal-index in `-shm` is updated through a memory map, just after the last write).
///
/// Linux only; where it cannot start (no inotify, too many watches) the hub keeps polling.
final class StoreFileWatcher: @unchecked Sendable {
    private let inotify: Int32
    private let stopRead: Int32
    private let stopWrite: Int32
    private let names: Set<String>
    private let onChange: @Sendable () -> Void
    /// Guards `stopping`; `exited` is signalled when the thread has returned.
    private let lock = NSLock()
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)

    /// Starts watching the directory of `path`; nil when the kernel refuses.
    static func start(path: String, onChange: @escaping @Sendable () -> Void) -> StoreFileWatcher? {
        #if os(Linux)
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        let base = url.lastPathComponent
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            close(fd)
            return nil
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            return nil
        }
        for descriptor in pipeFDs { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let watcher = StoreFileWatcher(inotify: fd, stopRead: pipeFDs[0], stopWrite: pipeFDs[1],
                                       names: [base, base + "-wal"], onChange: onChange)
        let thread = Thread { watcher.run() }
        thread.name = "GantryStore.watch"
        thread.start()
        return watcher
        #else
        return nil
        #endif
    }

    private init(inotify: Int32, stopRead: Int32, stopWrite: Int32, names: Set<String>,
                 onChange: @escaping @Sendable () -> Void) {
        self.inotify = inotify
        self.stopRead = stopRead
        self.stopWrite = stopWrite
        self.names = names
        self.onChange = onChange
    }

    /// Ends the watching thread and waits for it: when this returns, `onChange` is never
    /// called again and the descriptors are closed. Later calls do nothing.
    func stop() {
        let first = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopWrite, &byte, 1)
        exited.wait()
        close(inotify)
        close(stopRead)
        close(stopWrite)
    }

    private func run() {
        defer { exited.signal() }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let header = MemoryLayout<inotify_event>.size
        while true {
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || fds[1].revents != 0 { return }
            let count = read(inotify, &buffer, buffer.count)
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 { return }
            // Records: wd, mask, cookie, len (4 bytes each), then `len` bytes of NUL-padded name.
            var offset = 0
            var relevant = false
            while offset + header <= count {
                let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                let length = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
                let start = offset + header
                let end = min(count, start + length)
                let nameBytes = buffer[start..<end].prefix { $0 != 0 }
                // A queue overflow names no file and means reports were lost: look anyway.
                if mask & UInt32(IN_Q_OVERFLOW) != 0 || names.contains(String(decoding: nameBytes, as: UTF8.self)) {
                    relevant = true
                }
                offset = start + length
            }
            if relevant { onChange() }
        }
    }
}
