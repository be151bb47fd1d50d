import Foundation

/// Renders events as one JSON object per line, for `gantry export --format jsonl` and headless `--json`.
public enum EventJSON {
    /// The event as one compact JSON object (no newline), keys in a fixed order.
    public static func line(_ event: Event) -> String {
        var fields: [(String, String)] = [
            ("seq", String(event.seq)),
            ("time", string(Self.timestamp(event.time))),
            ("deploy", string(event.deploy.rawValue)),
            ("actor", string(event.actor)),
            ("kind", string(event.payload.kind?.name ?? "unknown-\(event.payload.kindCode)")),
        ]
        fields += payloadFields(event.payload)
        return "{" + fields.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// RFC 3339 UTC time with milliseconds.
    public static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = time_t(millis / 1000)
        var parts = tm()
        var copy = seconds
        gmtime_r(&copy, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                      parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(millis % 1000))
    }

    private static func payloadFields(_ payload: EventPayload) -> [(String, String)] {
        switch payload {
        case .deployRequested(let environment, let version, let policy):
            [("environment", string(environment)), ("version", string(version)), ("strategy", string(policy.strategy)),
             ("stages", array(policy.stages.map(\.id)))]
        case .deployStarted: []
        case .deployFinished(let outcome, let reason): [("outcome", string(outcome.name)), ("reason", string(reason))]
        case .stageQueued(let stage), .stageSucceeded(let stage): [("stage", string(stage))]
        case .stageStarted(let stage, let command): [("stage", string(stage)), ("command", array(command))]
        case .stageProgressed(let stage, let done, let total, let label):
            [("stage", string(stage)), ("done", String(done)), ("total", String(total)), ("label", string(label))]
        case .stageLogged(let stage, let stream, let line):
            [("stage", string(stage)), ("stream", string("\(stream)")), ("line", string(line))]
        case .stageOutputOmitted(let stage, let lines, let bytes):
            [("stage", string(stage)), ("lines", String(lines)), ("bytes", String(bytes))]
        case .stageFailed(let stage, let reason), .stageSkipped(let stage, let reason), .stageCancelled(let stage, let reason):
            [("stage", string(stage)), ("reason", string(reason))]
        case .checklistItemTicked(let list, let item, let note), .checklistItemUnticked(let list, let item, let note):
            [("checklist", string(list)), ("item", string(item)), ("note", string(note))]
        case .checklistItemVerified(let list, let item, let passed, let evidence):
            [("checklist", string(list)), ("item", string(item)), ("passed", passed ? "true" : "false"),
             ("evidence", string(evidence))]
        case .approvalGiven(let scope, let comment), .approvalRevoked(let scope, let comment):
            [("scope", string(scope)), ("comment", string(comment))]
        case .gateOpened(let gate, let reason): [("gate", string(gate)), ("override", string(reason))]
        case .metricSampled(let metric, let value): [("metric", string(metric)), ("value", number(value))]
        case .thresholdCrossed(let metric, let level, let value, let threshold):
            [("metric", string(metric)), ("level", string(level.name)), ("value", number(value)),
             ("threshold", number(threshold))]
        case .rollbackRequested(let reason), .cancelRequested(let reason): [("reason", string(reason))]
        case .environmentClaimed(let environment, let deploy, let version):
            [("environment", string(environment)), ("claimedBy", string(deploy.rawValue)), ("version", string(version))]
        case .environmentObserved(let environment, let cause, let live, let deploy, let drift):
            [("environment", string(environment)), ("cause", string(cause.word)), ("version", string(live.version)),
             ("image", string(live.image)), ("revision", String(live.revision)), ("ready", String(live.ready)),
             ("desired", String(live.desired)), ("detail", string(live.detail)), ("by", string(deploy.rawValue)),
             ("drift", string(drift))]
        case .environmentVerified(let environment, let version, let deploy):
            [("environment", string(environment)), ("version", string(version)), ("by", string(deploy.rawValue))]
        case .rollbackStarted(let target, let method): [("target", string(target)), ("method", string(method))]
        case .rollbackFinished(let succeeded, let version, let reason):
            [("succeeded", succeeded ? "true" : "false"), ("version", string(version)), ("reason", string(reason))]
        case .leaseAcquired(let environment, let holder, let expires):
            [("environment", string(environment)), ("holder", string(holder)), ("expires", string(timestamp(expires)))]
        case .leaseReleased(let environment, let holder): [("environment", string(environment)), ("holder", string(holder))]
        case .unrecognized(let kind, let bytes): [("code", String(kind)), ("bytes", String(bytes.count))]
        }
    }

    /// A JSON string literal; every control character is escaped.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || SafeText.isUnsafe(scalar) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func array(_ values: [String]) -> String { "[" + values.map(string).joined(separator: ",") + "]" }

    private static func number(_ value: Double) -> String {
        value.isFinite ? EventPayload.format(value) : "null"
    }
}
