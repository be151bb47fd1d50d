import Foundation

/// One problem in a pipeline file, with its position (1-based line and column, like compilers).
public struct PipelineError: Error, Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    /// The file path as given to the loader.
    public var file: String
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars.
    public var column: Int
    /// Where in the document the problem is, e.g. `environments.production.strategy` or `stages[2].needs[0]`.
    public var keyPath: String
    /// What is wrong and what was expected.
    public var message: String

    /// Creates an error; line and column below 1 are raised to 1.
    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
        self.keyPath = keyPath
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }

    /// Orders by position, then message.
    public static func < (lhs: PipelineError, rhs: PipelineError) -> Bool {
        (lhs.line, lhs.column, lhs.message, lhs.keyPath) < (rhs.line, rhs.column, rhs.message, rhs.keyPath)
    }
}

/// Every problem found in a pipeline file, sorted by position.
public struct PipelineDiagnostics: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, sorted by position and without repeats.
    public let errors: [PipelineError]

    /// Sorts `errors` and drops exact repeats.
    public init(_ errors: [PipelineError]) {
        var seen = Set<PipelineError>()
        self.errors = errors.sorted().filter { seen.insert($0).inserted }
    }

    /// One `FILE:LINE:COLUMN: error: MESSAGE` line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Why `PipelineLoader.load(path:)` failed.
public enum PipelineLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read (missing, unreadable, not UTF-8, too large).
    case unreadable(path: String, reason: String)
    /// The file was read but is not a valid pipeline.
    case invalid(PipelineDiagnostics)

    /// A user-facing explanation; for `invalid`, one line per problem.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): error: \(reason)"
        case .invalid(let diagnostics): return diagnostics.description
        }
    }
}
