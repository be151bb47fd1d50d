// swift-tools-version:6.0
import PackageDescription

// Dependency rule (see docs/ARCHITECTURE.md): GantryCore is pure (Foundation only);
// every other library target depends on it, never the other way round; only the
// executables wire everything together.
let package = Package(
    name: "Gantry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gantry", targets: ["gantry"]),
        .executable(name: "gantry-bench", targets: ["gantry-bench"]),
        .executable(name: "gantry-probe", targets: ["gantry-probe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(name: "GantryCore"),
        .target(name: "GantryPipeline", dependencies: [
            "GantryCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "GantryStore", dependencies: [
            "GantryCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            // The C API itself, for reading columns in place on the replay path.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "GantryExecutor", dependencies: [
            "GantryCore", "GantryStore", "GantryPipeline",
            .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        // The simulated cluster: knows nothing of Gantry's executor, depends on swift-nio only.
        .target(name: "GantrySim", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .target(name: "GantryTestSupport", dependencies: ["GantryCore", "GantryStore", "GantryExecutor"]),
        // The console: pure rendering into a cell buffer, themes, key map -> intents (no I/O).
        .target(name: "GantryConsole", dependencies: ["GantryCore"]),
        // ncurses (wide characters): module map + shim header. Only GantryTerminal imports it.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        // The ncurses backend: terminal setup/restore, signals, input, diff flush.
        .target(name: "GantryTerminal", dependencies: ["GantryConsole", "CNcursesw"]),
        .executableTarget(name: "gantry", dependencies: [
            "GantryCore", "GantryPipeline", "GantryStore", "GantryExecutor", "GantrySim", "GantryConsole", "GantryTerminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "gantry-bench", dependencies: [
            "GantryCore", "GantryStore", "GantryConsole",
            // The raw-SQLite baselines (scan, insert) beside the store's figures.
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // A helper process for the store's two-process and crash tests.
        .executableTarget(name: "gantry-probe", dependencies: [
            "GantryCore", "GantryStore",
        ]),
        .testTarget(name: "GantryCoreTests", dependencies: ["GantryCore", "GantryTestSupport"]),
        .testTarget(name: "GantryPipelineTests", dependencies: ["GantryPipeline"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "GantryExecutorTests", dependencies: ["GantryExecutor", "GantryTestSupport", "GantrySim"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "GantrySimTests", dependencies: [
            "GantrySim",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "GantryStoreTests", dependencies: [
            "GantryStore", "GantryTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "GantryConsoleTests", dependencies: ["GantryConsole", "GantryCore"], exclude: ["Snapshots"]),
        .testTarget(name: "GantryTerminalTests", dependencies: ["GantryConsole", "GantryCore", "GantryStore", "GantryTestSupport"]),
        .testTarget(name: "GantryCLITests", dependencies: [
            "GantryCore", "GantryStore", "GantryTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
