import Foundation
import GantryCore
import GantryPipeline
import GantryStore

/// Keeps reading every environment's metrics at a low rate, deploy or not, into the sample store
/// (apart from the event log), so the console's cards and sparklines stay live between deploys.
public struct EnvironmentSampler: Sendable {
    let pipeline: PipelineFile
    let store: any EventStore
    let samples: any SampleStore
    let runner: any ProcessRunner
    let interval: Double
    let prometheusURL: String
    /// HTTP requests per probe sample (fewer than a deploy's analysis: this runs all the time).
    let requestsPerSample: Int

    public init(pipeline: PipelineFile, store: any EventStore, samples: any SampleStore, runner: any ProcessRunner = SubprocessRunner(),
                interval: Double = 5, prometheusURL: String = "http://127.0.0.1:9090", requestsPerSample: Int = 5) {
        self.pipeline = pipeline
        self.store = store
        self.samples = samples
        self.runner = runner
        self.interval = max(0.2, interval)
        self.prometheusURL = prometheusURL
        self.requestsPerSample = requestsPerSample
    }

    /// Samples every `interval` until cancelled. A failure to record is printed once per kind
    /// (samples are readings: losing one loses no fact).
    public func run() async {
        var reported = Set<String>()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try samples.record(await sampleOnce())
            } catch {
                if reported.insert(error.description).inserted {
                    FileHandle.standardError.write(Data("gantry: live samples not recorded: \(error)\n".utf8))
                }
            }
            try? await Task.sleep(until: started + .milliseconds(Int(interval * 1000)), clock: .continuous)
        }
    }

    /// One reading of every metric of every environment, in parallel per environment.
    public func sampleOnce() async -> [LiveSample] {
        let state = (try? StateSnapshot.state(of: store)) ?? GantryState()
        let metrics = pipeline.metrics
        return await withTaskGroup(of: [LiveSample].self) { group in
            for environment in pipeline.environments {
                let version = state.environments[environment.name]?.currentVersion ?? ""
                let reader = MetricReader(pipeline: pipeline, environment: environment, version: version, runner: runner,
                                          requestsPerSample: requestsPerSample, prometheusURL: prometheusURL)
                let pods = LiveReader(runner: runner, environment: environment, image: pipeline.image, timeout: 10)
                group.addTask {
                    var found: [LiveSample] = []
                    // What serves and how many pods are ready, between observations in the log.
                    if let live = try? await pods.read() {
                        found.append(LiveSample(environment: environment.name, metric: LiveSamples.readyPods, time: Date(),
                                                value: Double(live.ready)))
                        found.append(LiveSample(environment: environment.name, metric: LiveSamples.desiredPods, time: Date(),
                                                value: Double(live.desired)))
                    }
                    for metric in metrics {
                        guard let value = await reader.measure(metric), value.isFinite else { continue }
                        found.append(LiveSample(environment: environment.name, metric: metric.name, time: Date(), value: value))
                    }
                    return found
                }
            }
            var all: [LiveSample] = []
            for await found in group { all += found }
            return all
        }
    }
}
