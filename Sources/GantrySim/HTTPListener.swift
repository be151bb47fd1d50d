import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers HTTP requests for one listener; may answer later (latency) or with a watch stream.
protocol HTTPResponder: Sendable {
    func respond(_ request: APIRequest, on loop: any EventLoop) -> EventLoopFuture<APIResponse>
}

/// An HTTP/1.1 server bound to 127.0.0.1 with TCP_NODELAY, serving one responder.
final class HTTPListener: Sendable {
    let channel: any Channel
    /// The port it listens on.
    let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    /// Binds `127.0.0.1:port` (0 picks a free port).
    static func start(group: any EventLoopGroup, port: Int, responder: any HTTPResponder) async throws(SimError) -> HTTPListener {
        do {
            return try await bind(group: group, port: port, responder: responder).get()
        } catch {
            throw .cannotListen("127.0.0.1:\(port): \(error)")
        }
    }

    /// Binds `127.0.0.1:port` without waiting (for use from an event loop).
    static func bind(group: any EventLoopGroup, port: Int, responder: any HTTPResponder) -> EventLoopFuture<HTTPListener> {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPChannelHandler(responder: responder))
                }
            }
        return bootstrap.bind(host: "127.0.0.1", port: port).map { HTTPListener(channel: $0) }
    }

    /// Stops listening (open connections end with the event loop group).
    func close() async {
        try? await channel.close().get()
    }
}

/// Collects a request, asks the responder, writes the answer or runs the watch stream.
final class HTTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: any HTTPResponder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var stream: WatchStream?
    private let maxBody = 8 << 20

    init(responder: any HTTPResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(var buf):
            if body.count < maxBody, let bytes = buf.readBytes(length: buf.readableBytes) { body.append(contentsOf: bytes) }
        case .end:
            guard let h = head else { return }
            head = nil
            let req = APIRequest(method: h.method.rawValue, uri: h.uri, accept: h.headers.first(name: "accept") ?? "",
                                 contentType: h.headers.first(name: "content-type") ?? "", body: body)
            body = []
            let keepAlive = h.isKeepAlive
            let version = h.version
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            responder.respond(req, on: context.eventLoop).whenComplete { result in
                let (handler, ctx) = bound.value
                switch result {
                case .success(let response):
                    handler.write(response, context: ctx, keepAlive: keepAlive, version: version)
                case .failure(let error):
                    handler.write(.text("internal error: \(error)\n", status: 500), context: ctx, keepAlive: keepAlive,
                                  version: version)
                }
            }
        }
    }

    private func write(_ response: APIResponse, context: ChannelHandlerContext, keepAlive: Bool, version: HTTPVersion) {
        switch response {
        case .full(let status, let contentType, let bytes, let extra):
            var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(bytes.count)),
                                       ("Cache-Control", "no-cache, private")])
            for (k, v) in extra { headers.add(name: k, value: v) }
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .init(statusCode: status),
                                                                 headers: headers))), promise: nil)
            var buf = context.channel.allocator.buffer(capacity: bytes.count)
            buf.writeBytes(bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive {
                let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in ctx.value.close(promise: nil) }
            }
        case .watch(let plan):
            let headers = HTTPHeaders([("Content-Type", plan.asTable ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json"),
                                       ("Transfer-Encoding", "chunked"), ("Cache-Control", "no-cache, private")])
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .ok, headers: headers))),
                                  promise: nil)
            let s = WatchStream(plan: plan, context: context)
            stream = s
            s.start { [weak self] in self?.stream = nil }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream?.stop(endResponse: false)
        stream = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream?.stop(endResponse: false)
        stream = nil
        context.close(promise: nil)
    }
}
