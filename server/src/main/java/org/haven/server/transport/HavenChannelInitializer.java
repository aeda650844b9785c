package org.haven.server.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.haven.server.config.ServerConfig;
import org.haven.server.session.RelayGateway;
import org.haven.server.session.SessionService;
import org.jspecify.annotations.Nullable;

/** The pipeline of one connection: read top to bottom, it is the table of contents of the transport. */
final class HavenChannelInitializer extends ChannelInitializer<SocketChannel> {

    static final String WEBSOCKET_PATH = "/ws";

    private final ServerConfig config;
    private final SessionService sessions;
    private final HttpRoutes routes;
    private final ConnectionRegistry registry;
    private final @Nullable SslContext tls;

    private final RelayGateway relay;

    HavenChannelInitializer(
            ServerConfig config,
            SessionService sessions,
            RelayGateway relay,
            HttpRoutes routes,
            ConnectionRegistry registry,
            @Nullable SslContext tls) {
        this.relay = relay;
        this.tls = tls;
        this.config = config;
        this.sessions = sessions;
        this.routes = routes;
        this.registry = registry;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (registry.size() >= config.transport().maxConnections()) {
            // The node is full: refuse at once, before spending anything on the connection.
            registry.refused();
            ch.close();
            return;
        }
        ChannelConnection connection = registry.register(ch, config);
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast(PipelineNames.TLS, tls.newHandler(ch.alloc()));
        }
        // Flushes during a read wait for its end; others go out at once: the loop's outbox
        // (LoopOutbox) writes each connection's waiting frames with one flush already, and an
        // alert's flush must not wait in the loop's task queue behind everything else.
        p.addLast(PipelineNames.FLUSH, new FlushConsolidationHandler(256, false));
        p.addLast(
                PipelineNames.IDLE,
                new IdleStateHandler(config.transport().pingInterval().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast(
                PipelineNames.KEEP_ALIVE,
                new KeepAliveHandler(
                        config.transport().pingInterval(), config.transport().idleTimeout(), connection));
        p.addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec());
        // A body as large as a frame (the server API's care plans); the exact-path endpoints take
        // less (HttpRoutes.MAX_ENDPOINT_BODY_BYTES).
        p.addLast(
                PipelineNames.HTTP_AGGREGATOR,
                new HttpBodyLimit(Math.max(
                        HttpRoutes.MAX_ENDPOINT_BODY_BYTES, config.transport().maxFrameBytes())));
        p.addLast(
                PipelineNames.REQUEST_DEADLINE,
                new HttpRequestDeadline(config.transport().helloTimeout(), registry.counters()));
        p.addLast(PipelineNames.HTTP_ROUTES, routes);
        p.addLast(PipelineNames.WEBSOCKET, new WebSocketServerProtocolHandler(webSocketConfig()));
        p.addLast(
                PipelineNames.WEBSOCKET_AGGREGATOR,
                new WebSocketFrameAggregator(config.transport().maxFrameBytes()));
        p.addLast(PipelineNames.FRAME_CODEC, new MessageFrameCodec(connection));
        p.addLast(PipelineNames.OUTBOUND_QUEUE, new OutboundQueueHandler(connection));
        p.addLast(
                PipelineNames.HELLO_GATE,
                new HelloGate(
                        sessions::hello, relay, connection, config.transport().helloTimeout()));
        p.addLast(PipelineNames.ERRORS, new ErrorHandler(connection));
    }

    private WebSocketServerProtocolConfig webSocketConfig() {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                .checkStartsWith(true) // the route has checked the path; a query string is fine
                .handleCloseFrames(false) // the frame codec answers close frames and notes who said goodbye
                .dropPongFrames(true)
                .handshakeTimeoutMillis(config.transport().helloTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.transport().maxFrameBytes())
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .withUTF8Validator(true)
                        .build())
                .build();
    }
}
