/// Field numbers of the Kubernetes protobuf messages the simulator decodes (from k8s.io/api generated.proto).
enum ProtobufSchema {
    indirect enum FieldType: Sendable {
        case string, int, bool, ignored, intOrString, quantity
        case message(String)
        case map(FieldType)
    }

    struct Field: Sendable {
        let name: String
        let type: FieldType
        var repeated = false
        var keepZero = false

        init(_ name: String, _ type: FieldType, repeated: Bool = false, keepZero: Bool = false) {
            self.name = name
            self.type = type
            self.repeated = repeated
            self.keepZero = keepZero
        }
    }

    typealias Message = [Int: Field]

    /// Top-level objects by kind.
    static let top: [String: Message] = [
        "Deployment": object("DeploymentSpec"),
        "ReplicaSet": object("ReplicaSetSpec"),
        "Namespace": object("NamespaceSpec"),
        "Service": object("ServiceSpec"),
        "Pod": object("PodSpec"),
    ]

    private static func object(_ spec: String) -> Message {
        [1: Field("metadata", .message("ObjectMeta")), 2: Field("spec", .message(spec))]
    }

    static let messages: [String: Message] = [
        "ObjectMeta": [
            1: Field("name", .string), 2: Field("generateName", .string), 3: Field("namespace", .string),
            5: Field("uid", .string), 6: Field("resourceVersion", .string), 8: Field("creationTimestamp", .ignored),
            11: Field("labels", .map(.string)), 12: Field("annotations", .map(.string)),
            14: Field("finalizers", .string, repeated: true),
        ],
        "LabelSelector": [
            1: Field("matchLabels", .map(.string)),
            2: Field("matchExpressions", .message("LabelSelectorRequirement"), repeated: true),
        ],
        "LabelSelectorRequirement": [1: Field("key", .string), 2: Field("operator", .string), 3: Field("values", .string, repeated: true)],
        "DeploymentSpec": [
            1: Field("replicas", .int, keepZero: true), 2: Field("selector", .message("LabelSelector")),
            3: Field("template", .message("PodTemplateSpec")), 4: Field("strategy", .message("DeploymentStrategy")),
            5: Field("minReadySeconds", .int), 6: Field("revisionHistoryLimit", .int), 7: Field("paused", .bool),
            9: Field("progressDeadlineSeconds", .int),
        ],
        "ReplicaSetSpec": [
            1: Field("replicas", .int, keepZero: true), 2: Field("selector", .message("LabelSelector")),
            3: Field("template", .message("PodTemplateSpec")), 4: Field("minReadySeconds", .int),
        ],
        "DeploymentStrategy": [1: Field("type", .string), 2: Field("rollingUpdate", .message("RollingUpdateDeployment"))],
        "RollingUpdateDeployment": [1: Field("maxUnavailable", .intOrString), 2: Field("maxSurge", .intOrString)],
        "PodTemplateSpec": [1: Field("metadata", .message("ObjectMeta")), 2: Field("spec", .message("PodSpec"))],
        "PodSpec": [
            2: Field("containers", .message("Container"), repeated: true), 3: Field("restartPolicy", .string),
            4: Field("terminationGracePeriodSeconds", .int), 6: Field("dnsPolicy", .string),
            7: Field("nodeSelector", .map(.string)), 8: Field("serviceAccountName", .string), 10: Field("nodeName", .string),
            19: Field("schedulerName", .string), 20: Field("initContainers", .message("Container"), repeated: true),
        ],
        "Container": [
            1: Field("name", .string), 2: Field("image", .string), 3: Field("command", .string, repeated: true),
            4: Field("args", .string, repeated: true), 5: Field("workingDir", .string),
            6: Field("ports", .message("ContainerPort"), repeated: true), 7: Field("env", .message("EnvVar"), repeated: true),
            8: Field("resources", .message("ResourceRequirements")),
            13: Field("terminationMessagePath", .string), 14: Field("imagePullPolicy", .string),
            20: Field("terminationMessagePolicy", .string),
        ],
        "ContainerPort": [1: Field("name", .string), 2: Field("hostPort", .int), 3: Field("containerPort", .int),
                          4: Field("protocol", .string)],
        "EnvVar": [1: Field("name", .string), 2: Field("value", .string)],
        "ResourceRequirements": [1: Field("limits", .map(.quantity)), 2: Field("requests", .map(.quantity))],
        "NamespaceSpec": [1: Field("finalizers", .string, repeated: true)],
        "ServiceSpec": [
            1: Field("ports", .message("ServicePort"), repeated: true), 2: Field("selector", .map(.string)),
            3: Field("clusterIP", .string), 4: Field("type", .string), 5: Field("externalIPs", .string, repeated: true),
            7: Field("sessionAffinity", .string), 10: Field("externalName", .string),
        ],
        "ServicePort": [1: Field("name", .string), 2: Field("protocol", .string), 3: Field("port", .int),
                        4: Field("targetPort", .intOrString), 5: Field("nodePort", .int)],
    ]
}
