import Testing
@testable import GantrySim

@Suite struct PatchTests {
    static let deployment: JSON = try! JSON.parse("""
        {"spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
          {"name":"web","image":"repo/web:1","ports":[{"containerPort":8080,"protocol":"TCP"}]},
          {"name":"sidecar","image":"repo/side:1"}]}}}}
        """)

    @Test func strategicMergeMergesContainersByNameAndIgnoresElementOrder() throws {
        let patch = try JSON.parse("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
              "containers":[{"image":"repo/web:2","name":"web"}]}}}}
            """)
        let out = try Patch.strategic(Self.deployment, patch)
        let containers = try #require(out["spec"]["template"]["spec"]["containers"].arrayValue)
        #expect(containers.count == 2)
        #expect(containers[0]["image"] == "repo/web:2")
        #expect(containers[0]["ports"].arrayValue?.first?["containerPort"] == 8080)
        #expect(containers[1]["image"] == "repo/side:1")
        #expect(out["spec"]["template"]["spec"]["$setElementOrder/containers"].isNull)
    }

    @Test func strategicMergeDeletesElementsAndKeys() throws {
        let patch = try JSON.parse("""
            {"spec":{"replicas":null,"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"},{"name":"new","image":"n:1"}]}}}}
            """)
        let out = try Patch.strategic(Self.deployment, patch)
        #expect(out["spec"]["replicas"].isNull)
        #expect(out["spec"]["template"]["spec"]["containers"].arrayValue?.compactMap { $0["name"].stringValue } == ["web", "new"])
    }

    @Test func strategicMergeHonoursRetainKeys() throws {
        let live: JSON = ["strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1]]]
        let patch: JSON = ["strategy": ["$retainKeys": ["type"], "type": "Recreate"]]
        #expect(try Patch.strategic(live, patch) == ["strategy": ["type": "Recreate"]])
    }

    @Test func strategicMergeRejectsElementsWithoutTheMergeKey() {
        let patch: JSON = ["spec": ["template": ["spec": ["containers": [["image": "x"]]]]]]
        #expect(throws: SimError.badRequest("map: {\"image\":\"x\"} does not contain declared merge key: name")) {
            try Patch.strategic(Self.deployment, patch)
        }
    }

    @Test func mergePatchReplacesListsAndDeletesNulls() {
        let out = Patch.merge(Self.deployment, ["spec": ["replicas": nil, "template": ["spec": ["containers": [["name": "only"]]]]]])
        #expect(out["spec"]["replicas"].isNull)
        #expect(out["spec"]["template"]["spec"]["containers"] == [["name": "only"]])
        #expect(out["spec"]["template"]["metadata"]["labels"]["app"] == "web")
    }

    @Test func jsonPatchOperations() throws {
        let ops = try JSON.parse("""
            [{"op":"replace","path":"/spec/replicas","value":5},
             {"op":"add","path":"/spec/template/metadata/labels/tier","value":"front"},
             {"op":"remove","path":"/spec/template/spec/containers/1"},
             {"op":"test","path":"/spec/replicas","value":5},
             {"op":"copy","from":"/spec/replicas","path":"/spec/minReadySeconds"},
             {"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"last"}}]
            """)
        let out = try Patch.jsonPatch(Self.deployment, ops)
        #expect(out["spec"]["replicas"] == 5)
        #expect(out["spec"]["minReadySeconds"] == 5)
        #expect(out["spec"]["template"]["metadata"]["labels"]["tier"] == "front")
        #expect(out["spec"]["template"]["spec"]["containers"].arrayValue?.compactMap { $0["name"].stringValue } == ["web", "last"])
    }

    @Test func jsonPatchErrorsAreReportedNotTrapped() {
        #expect(throws: SimError.self) { try Patch.jsonPatch(Self.deployment, [["op": "replace", "path": "/nope", "value": 1]]) }
        #expect(throws: SimError.self) { try Patch.jsonPatch(Self.deployment, [["op": "remove", "path": "/spec/template/spec/containers/9"]]) }
        #expect(throws: SimError.self) { try Patch.jsonPatch(Self.deployment, [["op": "test", "path": "/spec/replicas", "value": 3]]) }
        #expect(throws: SimError.self) { try Patch.jsonPatch(Self.deployment, ["op": "add"]) }
        #expect(throws: SimError.self) { try Patch.jsonPatch(Self.deployment, [["op": "explode", "path": "/spec"]]) }
    }
}

@Suite struct ProtobufDecoderTests {
    /// Bytes of a length-delimited field.
    static func field(_ n: Int, _ payload: [UInt8]) -> [UInt8] { [UInt8(n << 3 | 2), UInt8(payload.count)] + payload }
    static func string(_ n: Int, _ s: String) -> [UInt8] { field(n, Array(s.utf8)) }

    @Test func decodesAnEnvelopedNamespace() throws {
        let meta = Self.field(1, Self.string(1, "shop") + Self.field(11, Self.string(1, "team") + Self.string(2, "blue")))
        let raw = meta
        let envelope = [0x6B, 0x38, 0x73, 0x00] + Self.field(1, Self.string(1, "v1") + Self.string(2, "Namespace")) + Self.field(2, raw)
        let o = try ProtobufDecoder.decode(envelope)
        #expect(o == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "shop", "labels": ["team": "blue"]]])
    }

    @Test func truncatedOrForeignBytesAreErrors() {
        #expect(throws: SimError.self) { try ProtobufDecoder.decode([1, 2, 3]) }
        #expect(throws: SimError.self) { try ProtobufDecoder.decode([0x6B, 0x38, 0x73, 0x00, 0x0A, 0x7F, 0x01]) }
        #expect(throws: SimError.self) { try ProtobufDecoder.decode([0x6B, 0x38, 0x73, 0x00, 0x0A, 0x02, 0x12, 0x00]) }
    }
}
