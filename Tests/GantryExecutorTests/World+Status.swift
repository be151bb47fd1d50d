import Foundation
import XCTest

/// `gantry status --json` against what kubectl shows: the one check that Gantry's picture of
/// every environment is the cluster's.
extension World {
    /// Where an environment runs: its kube context, and the service that picks the colour for a
    /// blue-green environment (nil for rolling).
    struct Place {
        var context: String
        var blueGreenService: String? = nil
    }

    /// What kubectl shows for `place`: the version (tag of the app's image), the Deployment's
    /// revision, and the live colour for blue-green.
    func cluster(_ place: Place) throws -> (version: String, revision: Int, colour: String?) {
        var deployment = "web", colour: String?
        if let service = place.blueGreenService {
            colour = try kubectl("--context", place.context, "-n", "web", "get", "service", service, "-o",
                                 "jsonpath={.spec.selector.colour}").stdout
            deployment = "web-\(colour ?? "")"
        }
        let result = try kubectl("--context", place.context, "-n", "web", "get", "deployment", deployment, "-o", "json")
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let metadata = object["metadata"] as? [String: Any],
              let spec = (((object["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]),
              let image = (spec["containers"] as? [[String: Any]])?.first?["image"] as? String else {
            throw Failure("kubectl get deployment \(deployment) in \(place.context): \(result.stderr)")
        }
        let revision = Int((metadata["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String ?? "") ?? 0
        let prefix = "127.0.0.1:5000/shop/web:"
        return (image.hasPrefix(prefix) ? String(image.dropFirst(prefix.count)) : image, revision, colour)
    }

    /// The `live` object of every environment in `gantry status --json`.
    func statusLive() throws -> [String: [String: Any]] {
        let status = try gantry("status", "--json")
        guard status.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]] else {
            throw Failure("gantry status --json: \(status.stdout)\(status.stderr)")
        }
        var live: [String: [String: Any]] = [:]
        for row in rows {
            if let name = row["environment"] as? String { live[name] = row["live"] as? [String: Any] ?? [:] }
        }
        return live
    }

    /// Asserts that `gantry status --json` says, for each environment, the version, revision and
    /// colour kubectl shows, and no drift.
    func assertStatusIsTheCluster(_ places: [String: Place], _ step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let live = try statusLive()
        for (name, place) in places.sorted(by: { $0.key < $1.key }) {
            let truth = try cluster(place)
            let said = live[name] ?? [:]
            XCTAssertEqual(said["version"] as? String, truth.version, "\(step): \(name) version, status vs kubectl", file: file, line: line)
            XCTAssertEqual(said["revision"] as? Int, truth.revision, "\(step): \(name) revision, status vs kubectl", file: file, line: line)
            if let colour = truth.colour {
                XCTAssertEqual(said["detail"] as? String, "colour \(colour)", "\(step): \(name) colour", file: file, line: line)
            }
            XCTAssertTrue(said["drift"] is NSNull || said["drift"] == nil, "\(step): \(name) drift \(said["drift"] ?? "")",
                          file: file, line: line)
        }
    }
}
