import Foundation
import Testing
@testable import GantrySim

extension KubectlE2ETests {
    @Suite struct Rollouts {
        static func isWaitingLine(_ line: String) -> Bool {
            line == "Waiting for deployment spec update to be observed..."
                || (line.hasPrefix("Waiting for deployment \"web\" rollout to finish: ") && line.hasSuffix("..."))
        }

        @Test func rollingUpdateRespectsSurgeAndUnavailability() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let strategy = "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 4, extraSpec: strategy)))
            let first = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(first.status == 0, "\(first)")

            // Sample the cluster while the rollout runs: never more than 4+1 pods, never fewer than 4 ready.
            let cluster = try #require(h.sim.cluster("staging"))
            let sampler = Task {
                var worst = (maxPods: 0, minReady: Int.max)
                while !Task.isCancelled {
                    let pods = cluster.objects(.pods, namespace: "demo").filter { $0["metadata"]["deletionTimestamp"].isNull }
                    let ready = pods.filter { ($0["status"]["containerStatuses"].arrayValue?.first?["ready"].boolValue) == true }
                    worst = (max(worst.maxPods, pods.count), min(worst.minReady, ready.count))
                    try? await Task.sleep(nanoseconds: 5_000_000)
                }
                return worst
            }
            let set = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            #expect(set.status == 0)
            let status = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            sampler.cancel()
            let worst = await sampler.value
            #expect(status.status == 0, "\(status)")
            let lines = status.stdout.split(separator: "\n").map(String.init)
            #expect(lines.last == "deployment \"web\" successfully rolled out")
            for line in lines.dropLast() { #expect(Self.isWaitingLine(line), "unexpected line: \(line)") }
            #expect(lines.count > 1, "a rolling update takes several steps: \(status)")
            #expect(worst.maxPods <= 5, "maxSurge 1 exceeded: \(worst.maxPods) pods")
            #expect(worst.minReady >= 4, "maxUnavailable 0 violated: \(worst.minReady) ready")
            let rs = await h.kubectl("get", "rs", "-o", "custom-columns=IMAGE:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision")
            #expect(rs.stdout == "IMAGE        DESIRED   REV\nrepo/web:1   0         1\nrepo/web:2   4         2\n", "\(rs)")
            let d = try JSON.parse(await h.kubectl("get", "deploy", "web", "-o", "json").stdout)
            #expect(d["metadata"]["generation"] == 2)
            #expect(d["status"]["observedGeneration"] == 2)
            #expect(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2")
            #expect(d["status"]["conditions"].arrayValue?.map { $0["reason"] } == ["MinimumReplicasAvailable", "NewReplicaSetAvailable"])
        }

        @Test func historyAndUndoReuseTheOldReplicaSet() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 2)))
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            let rs1 = await h.kubectl("get", "rs", "-o", "name")
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            let history = await h.kubectl("rollout", "history", "deployment/web")
            #expect(history.stdout == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n", "\(history)")

            let annotate = await h.kubectl("annotate", "deployment/web", "kubernetes.io/change-cause=image 2 for the spring sale")
            #expect(annotate.stdout == "deployment.apps/web annotated\n", "\(annotate)")
            let cause = await h.eventually {
                await h.kubectl("rollout", "history", "deployment/web").stdout
                    == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 2 for the spring sale\n\n"
            }
            #expect(cause, "CHANGE-CAUSE comes from the deployment's annotation, copied to its current ReplicaSet")

            let undo = await h.kubectl("rollout", "undo", "deployment/web")
            #expect(undo.status == 0, "\(undo)")
            #expect(undo.stdout == "deployment.apps/web rolled back\n")
            let done = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(done.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"), "\(done)")
            let image = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
            #expect(image.stdout == "repo/web:1")
            let after = await h.kubectl("rollout", "history", "deployment/web")
            #expect(after.stdout == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         image 2 for the spring sale\n3         <none>\n\n", "\(after)")
            let rs3 = await h.kubectl("get", "rs", "-o", "name", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision")
            #expect(rs3.stdout.split(separator: "\n").last.map(String.init) == rs1.stdout.trimmingCharacters(in: .newlines),
                    "revision 3 is the original ReplicaSet, renumbered")

            let same = await h.kubectl("rollout", "undo", "deployment/web", "--to-revision=3")
            #expect(same.status == 0)
            #expect(same.stdout == "deployment.apps/web skipped rollback (current template already matches revision 3)\n", "\(same)")
            let missing = await h.kubectl("rollout", "undo", "deployment/web", "--to-revision=9")
            #expect(missing.status == 1)
            #expect(missing.stderr == "error: unable to find specified revision 9 in history\n", "\(missing)")
            let to2 = await h.kubectl("rollout", "undo", "deployment/web", "--to-revision=2")
            #expect(to2.stdout == "deployment.apps/web rolled back\n", "\(to2)")
            let image2 = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
            #expect(image2.stdout == "repo/web:2")
            let rsCount = await h.kubectl("get", "rs", "-o", "name")
            #expect(rsCount.stdout.split(separator: "\n").count == 2, "no new ReplicaSet for an old template: \(rsCount)")
        }

        @Test func pauseResumeRestart() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 2)))
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            let pause = await h.kubectl("rollout", "pause", "deployment/web")
            #expect(pause.stdout == "deployment.apps/web paused\n", "\(pause)")
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2")
            try await Task.sleep(nanoseconds: 300_000_000)
            let rsPaused = await h.kubectl("get", "rs", "-o", "name")
            #expect(rsPaused.stdout.split(separator: "\n").count == 1, "a paused deployment does not roll: \(rsPaused)")
            let cond = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}")
            #expect(cond.stdout == "DeploymentPaused")
            let resume = await h.kubectl("rollout", "resume", "deployment/web")
            #expect(resume.stdout == "deployment.apps/web resumed\n", "\(resume)")
            let done = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(done.status == 0, "\(done)")
            let restart = await h.kubectl("rollout", "restart", "deployment/web")
            #expect(restart.stdout == "deployment.apps/web restarted\n", "\(restart)")
            let again = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(again.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"), "\(again)")
            let history = await h.kubectl("rollout", "history", "deployment/web")
            #expect(history.stdout == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n", "\(history)")
        }

        @Test func crashLoopMakesRolloutStatusTimeOut() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 2)))
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:2-crashloop")
            let started = Date()
            let status = await h.kubectl("rollout", "status", "deployment/web", "--timeout=2s")
            let elapsed = Date().timeIntervalSince(started)
            #expect(status.status == 1, "\(status)")
            #expect(status.stderr == "error: timed out waiting for the condition\n")
            #expect(status.stdout.hasPrefix("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...\n"), "\(status)")
            #expect(elapsed >= 2 && elapsed < 8)
            let pods = await h.kubectl("get", "pods", "-o", "custom-columns=IMAGE:.spec.containers[0].image,STATE:.status.containerStatuses[0].state.waiting.reason,LAST:.status.containerStatuses[0].lastState.terminated.message", "--sort-by=.spec.containers[0].image")
            let lines = pods.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(pods)")
            #expect(lines.last?.contains("repo/web:2-crashloop") == true)
            #expect(lines.last?.contains("panic: simulated crash in version 2-crashloop") == true, "\(pods)")
            let table = await h.kubectl("get", "pods", "--no-headers")
            let crashing = table.stdout.split(separator: "\n").filter { $0.contains("CrashLoopBackOff") || $0.contains("Error") || $0.contains("Running") }
            #expect(crashing.count == 3, "\(table)")
            let restarts = await h.kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.containerStatuses[0].restartCount}")
            #expect(restarts.stdout.split(separator: " ").compactMap { Int($0) }.max() ?? 0 >= 1, "\(restarts)")
            let name = await h.kubectl("get", "pods", "-o", "jsonpath={.items[?(@.spec.containers[0].image==\"repo/web:2-crashloop\")].metadata.name}")
            let logs = await h.kubectl("logs", name.stdout)
            #expect(logs.stdout.hasSuffix("panic: simulated crash in version 2-crashloop\n") || logs.stdout.contains("starting"), "\(logs)")
        }

        @Test func neverReadyVersionExceedsTheProgressDeadline() async throws {
            let h = try await SimHarness.start()
            defer { Task { await h.stop() } }
            let deadline = "  progressDeadlineSeconds: 1"
            _ = await h.kubectl("apply", "-f", try h.manifest("web.yaml", SimHarness.deployment("web", image: "repo/web:1", replicas: 2, extraSpec: deadline)))
            _ = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            _ = await h.kubectl("set", "image", "deployment/web", "web=repo/web:3-neverready")
            let status = await h.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
            #expect(status.status == 1, "\(status)")
            #expect(status.stderr == "error: deployment \"web\" exceeded its progress deadline\n", "\(status)")
            let cond = await h.kubectl("get", "deploy", "web", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].status} {.status.conditions[?(@.type==\"Progressing\")].reason}")
            #expect(cond.stdout == "False ProgressDeadlineExceeded")
        }
    }
}
