import NIOCore
import NIOHTTP1

/// One running watch: a chunked response with one JSON event per line, flushed per event.
///
/// Lives on its channel's event loop; events from the cluster hop onto that loop in order.
final class WatchStream {
    private let plan: WatchPlan
    private let context: ChannelHandlerContext
    private var watcherID: Int?
    private var finished = false
    private var timers: [Scheduled<Void>] = []
    private var onDone: (() -> Void)?

    init(plan: WatchPlan, context: ChannelHandlerContext) {
        self.plan = plan
        self.context = context
    }

    func start(onDone: @escaping () -> Void) {
        self.onDone = onDone
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let deliver: @Sendable (WatchEvent) -> Void = { event in
            loop.execute { bound.value.send(event) }
        }
        let plan = self.plan
        var initial: [WatchEvent] = []
        let id = plan.cluster.locked { c -> Int? in
            if plan.initialEvents {
                initial = c.space.list(plan.resource, namespace: plan.namespace).filter(plan.filter).map {
                    WatchEvent(type: .added, resource: plan.resource,
                               resourceVersion: Int($0["metadata"]["resourceVersion"].stringValue ?? "") ?? 0, object: $0)
                }
            }
            return c.space.watch(plan.resource, namespace: plan.namespace, since: plan.since, filter: plan.filter,
                                 deliver: deliver)
        }
        guard let id else {
            let status: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                "message": .string("too old resource version: \(plan.since ?? 0)"), "reason": "Expired",
                                "code": 410]
            writeLine(["type": "ERROR", "object": status])
            stop(endResponse: true)
            return
        }
        watcherID = id
        for e in initial { send(e) }
        let seconds = plan.timeoutSeconds.isFinite ? max(0.05, plan.timeoutSeconds) : 86_400
        timers.append(loop.scheduleTask(in: .nanoseconds(Clock.nanoseconds(seconds))) { bound.value.stop(endResponse: true) })
        if let drop = plan.dropAfterSeconds {
            timers.append(loop.scheduleTask(in: .nanoseconds(Clock.nanoseconds(drop))) { bound.value.drop() })
        }
    }

    private func send(_ event: WatchEvent) {
        guard !finished else { return }
        var object = event.object
        if plan.asTable {
            object = TableConverter.table(plan.resource, [event.object],
                                          resourceVersion: event.object["metadata"]["resourceVersion"].stringValue ?? "",
                                          includeObject: plan.includeObject, now: Clock.now())
        }
        writeLine(["type": .string(event.type.rawValue), "object": object])
    }

    private func writeLine(_ value: JSON) {
        var bytes = JSONWriter.bytes(value)
        bytes.append(0x0A)
        var buf = context.channel.allocator.buffer(capacity: bytes.count)
        buf.writeBytes(bytes)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buf))), promise: nil)
    }

    /// Ends the watch: unregisters, and closes the chunked body when the client is still there.
    func stop(endResponse: Bool) {
        guard !finished else { return }
        finished = true
        for t in timers { t.cancel() }
        timers = []
        if let id = watcherID {
            plan.cluster.locked { $0.space.unwatch(id) }
            watcherID = nil
        }
        if endResponse {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        }
        onDone?()
        onDone = nil
    }

    /// Fault injection: the connection goes away mid-stream.
    private func drop() {
        stop(endResponse: false)
        context.close(promise: nil)
    }
}
