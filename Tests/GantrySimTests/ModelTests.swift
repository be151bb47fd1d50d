import Testing
@testable import GantrySim

@Suite struct ModelTests {
    @Test func labelSelectorsParseAndMatch() throws {
        let s = try LabelSelector(parsing: "app=web,tier!=db,env in (prod, staging),!legacy,track")
        #expect(s.matches(["app": "web", "tier": "front", "env": "prod", "track": "stable"]))
        #expect(!s.matches(["app": "web", "tier": "db", "env": "prod", "track": "x"]))
        #expect(!s.matches(["app": "web", "env": "dev", "track": "x"]))
        #expect(!s.matches(["app": "web", "env": "prod", "track": "x", "legacy": "1"]))
        #expect(!s.matches(["app": "web", "env": "prod"]))
        #expect(try LabelSelector(parsing: "app notin (a,b)").matches(["app": "c"]))
        #expect(throws: SimError.self) { try LabelSelector(parsing: "app web") }
        #expect(LabelSelector(object: ["matchLabels": ["b": "2", "a": "1"]]).text == "a=1,b=2")
    }

    @Test func templateHashIgnoresWhatRoundTripsAdd() throws {
        let plain: JSON = ["metadata": ["labels": ["app": "web"]],
                           "spec": ["containers": [["name": "web", "image": "repo/web:1"]]]]
        let roundTripped = try JSON.parse("""
            {"metadata":{"creationTimestamp":null,"labels":{"app":"web","pod-template-hash":"abc"}},
             "spec":{"containers":[{"name":"web","image":"repo/web:1","resources":{},"imagePullPolicy":"IfNotPresent",
               "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "restartPolicy":"Always","dnsPolicy":"ClusterFirst","securityContext":{}}}
            """)
        #expect(TemplateHash.hash(plain) == TemplateHash.hash(roundTripped))
        var changed = plain
        changed[path: ["spec", "containers"]] = [["name": "web", "image": "repo/web:2"]]
        #expect(TemplateHash.hash(plain) != TemplateHash.hash(changed))
        #expect(TemplateHash.hash(plain).allSatisfy { TemplateHash.alphanums.contains($0) })
    }

    @Test func jsonRoundTripsAndRejectsGarbage() throws {
        let text = #"{"a":[1,2.5,-3e2,true,false,null,"x\"y\u00e9\n"],"b":{}}"#
        let v = try JSON.parse(text)
        #expect(v["a"].arrayValue?.count == 7)
        #expect(v["a"].arrayValue?[6] == "x\"yé\n")
        #expect(try JSON.parse(v.compactText) == v)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "{\"a\":1}x", "[1 2]", "-", "\u{0}"] {
            #expect(throws: SimError.self, "\(bad)") { try JSON.parse(bad) }
        }
        #expect(throws: SimError.self) { try JSON.parse(String(repeating: "[", count: 10_000)) }
    }

    @Test func randomBytesNeverTrapTheParser() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:0123456789.eE+-truefalsn\\ u".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            _ = try? JSON.parse(bytes: bytes)
        }
    }

    @Test func scenarioFilesAreValidated() throws {
        let s = try Scenario.parse(JSON.parse("""
            {"clusters":["a"],"timing":{"readySeconds":2},"versions":[{"match":"web:2","errorRate":0.1,"latencyMs":[10,100]}],
             "faults":{"apiErrorRate":0.5,"apiErrorCode":429}}
            """))
        #expect(s.clusters == ["a"])
        #expect(s.readySeconds == 2)
        #expect(s.profile(image: "repo/web:2").errorRate == 0.1)
        #expect(s.profile(image: "repo/web:2").latencyP99Ms == 100)
        #expect(s.profile(image: "repo/web:3-bad").errorRate == 0.2)
        #expect(s.faults.apiErrorCode == 429)
        #expect(throws: SimError.badScenario("unknown key 'clusterz'")) { try Scenario.parse(["clusterz": ["a"]]) }
        #expect(throws: SimError.badScenario("versions[0].errorRate must be between 0 and 1")) {
            try Scenario.parse(["versions": [["match": "x", "errorRate": 2]]])
        }
        #expect(throws: SimError.badScenario("'timing.readySeconds' must be a number")) {
            try Scenario.parse(["timing": ["readySeconds": "soon"]])
        }
    }

    @Test func imageTagConventions() {
        #expect(VersionProfile.conventional(image: "r/web:1.2-crashloop").crashLoop)
        #expect(VersionProfile.conventional(image: "r/web:neverready").neverReady)
        #expect(VersionProfile.conventional(image: "r/web:slow").readySeconds == 5)
        #expect(VersionProfile.conventional(image: "r/web:bad").errorRate == 0.2)
        #expect(VersionProfile.conventional(image: "r/web:laggy").latencyMedianMs == 300)
        #expect(VersionProfile.conventional(image: "127.0.0.1:5000/web:2") == VersionProfile())
        #expect(ImageRef("127.0.0.1:5000/web").tag == "latest")
        #expect(ImageRef("127.0.0.1:5000/web:2").repository == "127.0.0.1:5000/web")
    }

    @Test func humanAges() {
        #expect(Clock.humanDuration(5) == "5s")
        #expect(Clock.humanDuration(150) == "2m30s")
        #expect(Clock.humanDuration(3600 * 5 + 60) == "5h1m")
        #expect(Clock.humanDuration(86400 * 3) == "3d")
        #expect(Clock.parse(Clock.timestamp(1_700_000_000)) == 1_700_000_000)
    }
}

@Suite struct HostileInputTests {
    @Test func extremeNumbersDoNotTrap() {
        #expect(Clock.nanoseconds(.infinity) == 0)
        #expect(Clock.nanoseconds(-1) == 0)
        #expect(Clock.nanoseconds(.nan) == 0)
        #expect(Clock.nanoseconds(1e300) == 86_400_000_000_000)
        #expect(Controller.resolve("1e300%", total: 3, roundUp: true) == 1_000_000_000)
        #expect(Controller.resolve("-5%", total: 3, roundUp: true) == 0)
        #expect(Controller.resolve("lots", total: 3, roundUp: true) == 0)
        #expect(Controller.resolve(-2, total: 3, roundUp: false) == 0)
        #expect(throws: SimError.self) { try Scenario.parse(["timing": ["readySeconds": .double(-1)]]) }
    }

    @Test func hugeReplicaCountsAreCapped() {
        let c = Cluster(name: "x")
        c.ensureNamespace("demo")
        let api = APIHandler(clusters: [c], metricsText: { "" })
        let body = """
            {"metadata":{"name":"big"},"spec":{"replicas":2000000000,"selector":{"matchLabels":{"app":"big"}},
             "template":{"metadata":{"labels":{"app":"big"}},"spec":{"containers":[{"name":"c","image":"i:1"}]}}}}
            """
        _ = api.handle(APIRequest(method: "POST", uri: "/apis/apps/v1/namespaces/demo/deployments", body: Array(body.utf8)))
        var scenario = Scenario()
        scenario.maxPods = 700
        let controller = Controller(scenario: scenario)
        for _ in 0..<4 { controller.tick(c, now: Clock.now()) }
        #expect(c.count(.pods) == 700)
    }
}
