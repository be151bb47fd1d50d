import Foundation

/// The real container engine the README's test command starts (scripts/container-engine.sh):
/// podman's Docker-compatible service and a docker-registry, both on 127.0.0.1. Tests fail —
/// never skip — when it is not there.
struct ContainerEngine {
    /// `unix://…/podman.sock`, for `DOCKER_HOST`.
    let dockerHost: String
    /// `127.0.0.1:PORT` of the registry.
    let registry: String
    /// A static busybox to copy into images built `FROM scratch` (nothing can be pulled here).
    let busybox: String

    static func fromEnvironment() throws -> ContainerEngine {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["GANTRY_TEST_DOCKER_HOST"], let registry = environment["GANTRY_TEST_REGISTRY"] else {
            throw World.Failure("""
                the docker tests need a container engine: run them through `bash scripts/test.sh`, or start one with \
                `scripts/container-engine.sh start DIR` and export the variables in DIR/engine.env
                """)
        }
        let busybox = environment["GANTRY_TEST_BUSYBOX"] ?? "/bin/busybox"
        guard FileManager.default.isExecutableFile(atPath: busybox) else {
            throw World.Failure("no static busybox at \(busybox) (apt-get install busybox-static)")
        }
        return ContainerEngine(dockerHost: host, registry: registry, busybox: busybox)
    }

    /// Writes a build context into `directory`: busybox and a Dockerfile `FROM scratch` whose
    /// extra lines follow the copy.
    func writeContext(_ directory: String, dockerfile lines: [String]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: busybox, toPath: directory + "/busybox")
        try (["FROM scratch", "COPY busybox /bin/busybox"] + lines).joined(separator: "\n")
            .appending("\n").write(toFile: directory + "/Dockerfile", atomically: true, encoding: .utf8)
    }
}
