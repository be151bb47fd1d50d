import GRDB

extension StoreError {
    /// Turns whatever a GRDB call threw into a store error with a user-facing message.
    ///
    /// `seq` is the event being read when SQLite found its file damaged, if known.
    static func from(_ error: any Error, path: String, seq: Int64 = 0) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let fault as RowFault:
            return .corrupt(path: path, seq: fault.seq, detail: fault.detail)
        case let error as DatabaseError:
            let detail = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_CORRUPT:
                return .corrupt(path: path, seq: seq, detail: "SQLite reports: \(detail)")
            case .SQLITE_NOTADB:
                return .notAStore(path: path, detail: "SQLite reports: \(detail)")
            case .SQLITE_READONLY, .SQLITE_PERM:
                return .readOnly(path: path, detail: detail)
            case .SQLITE_FULL:
                return .diskFull(path: path)
            case .SQLITE_CANTOPEN:
                return .io("cannot open \(path): \(detail)")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .io("\(path) stayed locked by another process: \(detail)")
            default:
                return .io("\(path): \(detail)")
            }
        default:
            return .io("\(path): \(error)")
        }
    }
}
