package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ServerMessage;
import org.haven.server.config.ServerConfig;
import org.haven.server.connection.Outbound;
import org.junit.jupiter.api.Test;

/** Handlers one at a time, on {@link EmbeddedChannel}. */
class HandlerTest {

    private static ChannelConnection connection(EmbeddedChannel ch, int maxMessages, int maxBytes) {
        ChannelConnection c = new ChannelConnection(ch, maxMessages, maxBytes);
        c.upgraded();
        return c;
    }

    @Test
    void httpRoutesAnswerHealthReadinessAndNotFound() {
        boolean[] ready = {true};
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRoutes(
                new OriginPolicy(List.of(), null, false),
                () -> Readiness.READY,
                HttpRoutes.health(() -> ready[0] ? Readiness.READY : Readiness.DRAINING),
                ConsoleFiles.fromClassPath()));
        assertThat(status(ch, "/healthz")).isEqualTo(HttpResponseStatus.OK);
        assertThat(status(ch, "/readyz")).isEqualTo(HttpResponseStatus.OK);
        ready[0] = false;
        assertThat(status(ch, "/readyz")).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(status(ch, "/admin")).isEqualTo(HttpResponseStatus.NOT_FOUND);
        ch.finishAndReleaseAll();
    }

    @Test
    void httpRoutesRefuseAForeignOriginAndPassAnAllowedOne() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRoutes(
                new OriginPolicy(List.of("https://care.example"), null, false),
                () -> Readiness.READY,
                HttpRoutes.health(() -> Readiness.READY),
                ConsoleFiles.fromClassPath()));
        FullHttpRequest foreign = request("/ws");
        foreign.headers().set(HttpHeaderNames.ORIGIN, "https://evil.example");
        ch.writeInbound(foreign);
        FullHttpResponse refused = ch.readOutbound();
        assertThat(refused.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        refused.release();

        FullHttpRequest allowed = request("/ws");
        allowed.headers().set(HttpHeaderNames.ORIGIN, "https://care.example");
        allowed.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13"); // an RFC 6455 upgrade
        ch.writeInbound(allowed);
        Object passed = ch.readInbound();
        assertThat(passed).isSameAs(allowed);
        ReferenceCountUtil.release(passed);
        ch.finishAndReleaseAll();
    }

    /**
     * DNS rebinding: a page at evil.test whose name resolves to the node sends its own name as both
     * {@code Host} and {@code Origin}. Without an allowlist that is refused in dev and in production;
     * with {@code HAVEN_PUBLIC_URL} only that origin is the node's own.
     */
    @Test
    void httpRoutesRefuseAnOriginThatOnlyMatchesTheHostHeader() {
        ServerConfig dev = ServerConfig.builder().build();
        ServerConfig production = ServerConfig.builder()
                .mode(ServerConfig.Mode.PRODUCTION)
                .hmacSecret("a-private-production-secret-of-enough-bytes-0123456789")
                .build();
        ServerConfig published = production.toBuilder()
                .publicUrl(java.net.URI.create("https://haven.example.org"))
                .build();
        for (ServerConfig config : List.of(dev, production, published)) {
            assertThat(upgradeStatus(config, "evil.test", "http://evil.test"))
                    .as("%s, public URL %s", config.mode(), config.transport().publicUrl())
                    .isEqualTo(HttpResponseStatus.FORBIDDEN);
        }
        assertThat(upgradeStatus(dev, "127.0.0.1:8080", "http://127.0.0.1:8080"))
                .isNull();
        assertThat(upgradeStatus(production, "haven.example.org", "https://haven.example.org"))
                .isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(upgradeStatus(published, "haven.example.org", "https://haven.example.org"))
                .isNull();
        assertThat(upgradeStatus(published, "haven.example.org", "http://haven.example.org"))
                .isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(upgradeStatus(published, "haven.example.org:8443", "https://haven.example.org:8443"))
                .isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(upgradeStatus(production, "evil.test", null))
                .as("a native client")
                .isNull();
    }

    /** The refusal of an upgrade to {@code /ws} on a node with {@code config}, or null when it passes. */
    private static HttpResponseStatus upgradeStatus(ServerConfig config, String host, String origin) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRoutes(
                OriginPolicy.of(config),
                () -> Readiness.READY,
                HttpRoutes.health(() -> Readiness.READY),
                ConsoleFiles.fromClassPath()));
        FullHttpRequest upgrade = request("/ws");
        upgrade.headers().set(HttpHeaderNames.HOST, host);
        if (origin != null) {
            upgrade.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        upgrade.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        ch.writeInbound(upgrade);
        Object passed = ch.readInbound();
        HttpResponseStatus status = null;
        if (passed != null) {
            ReferenceCountUtil.release(passed);
        } else {
            FullHttpResponse refused = ch.readOutbound();
            status = refused.status();
            refused.release();
        }
        ch.finishAndReleaseAll();
        return status;
    }

    @Test
    void frameCodecDecodesTextAndClosesOnBinary() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = connection(ch, 16, 1 << 20);
        ch.pipeline().addLast(new MessageFrameCodec(c));
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"1\"}"));
        assertThat((Object) ch.readInbound()).isEqualTo(new Decoded.Message(new ClientMessage.Ping("1")));
        ch.writeInbound(new TextWebSocketFrame("{bad"));
        assertThat(((Decoded.Invalid) ch.readInbound()).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        ch.writeInbound(new BinaryWebSocketFrame(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(closeCode(ch)).isEqualTo(CloseCode.UNSUPPORTED_DATA.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void keepAlivePingsASilentPeerThenClosesIt() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = connection(ch, 16, 1 << 20);
        ch.pipeline().addLast(new KeepAliveHandler(Duration.ofMillis(1500), Duration.ofMillis(4500), c));
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        PingWebSocketFrame ping = ch.readOutbound();
        assertThat(ping).isNotNull();
        ping.release();
        ch.writeInbound(new TextWebSocketFrame("pong-like traffic"));
        ReferenceCountUtil.release(ch.readInbound());
        // Traffic reset the count: two more silent intervals only ping.
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        ReferenceCountUtil.release(ch.readOutbound());
        ReferenceCountUtil.release(ch.readOutbound());
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(closeCode(ch)).isEqualTo(CloseCode.IDLE_TIMEOUT.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void keepAliveLeavesAPlainHttpConnectionToItsRequestDeadline() {
        // A client waiting for its answer (a forwarded API call, a long download) sends nothing.
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = new ChannelConnection(ch, 16, 1 << 20); // not upgraded
        ch.pipeline().addLast(new KeepAliveHandler(Duration.ofMillis(1500), Duration.ofMillis(4500), c));
        for (int i = 0; i < 10; i++) {
            ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        }
        assertThat(ch.isOpen())
                .as("silent for 15 s while its request is answered: still open")
                .isTrue();
        assertThat((Object) ch.readOutbound()).as("no ping on plain HTTP").isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void helloGateClosesWhenNoHelloArrives() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = new ChannelConnection(ch, 16, 1 << 20);
        ch.freezeTime();
        ch.pipeline().addLast(PipelineNames.HTTP_ROUTES, new ChannelInboundHandlerAdapter());
        ch.pipeline().addLast(PipelineNames.HELLO_GATE, new HelloGate(null, null, c, Duration.ofSeconds(5)));
        ch.pipeline()
                .fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete(
                        "/ws", new io.netty.handler.codec.http.DefaultHttpHeaders(), null));
        ch.advanceTimeBy(4900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(closeCode(ch)).isEqualTo(CloseCode.AUTH_TIMEOUT.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void helloGateClosesOnAnythingButHello() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = connection(ch, 16, 1 << 20);
        ch.pipeline().addLast(PipelineNames.HELLO_GATE, new HelloGate(null, null, c, Duration.ofSeconds(5)));
        ch.writeInbound(new Decoded.Message(new ClientMessage.RoomJoin("1", "group-1")));
        assertThat(closeCode(ch)).isEqualTo(CloseCode.AUTH_REQUIRED.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void requestsPilingUpBeforeTheHelloIsAnsweredAreAFlood() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = connection(ch, 16, 1 << 20);
        java.util.concurrent.CompletableFuture<org.haven.server.session.HelloOutcome> unanswered =
                new java.util.concurrent.CompletableFuture<>();
        ch.pipeline()
                .addLast(
                        PipelineNames.HELLO_GATE,
                        new HelloGate((conn, hello) -> unanswered, null, c, Duration.ofSeconds(5)));
        ch.writeInbound(
                new Decoded.Message(new ClientMessage.Hello("h", "a-token", java.util.List.of(1), null, null, null)));
        for (int i = 0; i < HelloGate.MAX_EARLY_REQUESTS; i++) {
            ch.writeInbound(new Decoded.Message(new ClientMessage.Ping("p" + i)));
        }
        assertThat((Object) ch.readOutbound()).as("kept for the answer").isNull();
        ch.writeInbound(new Decoded.Message(new ClientMessage.Ping("one-too-many")));
        assertThat(closeCode(ch)).isEqualTo(CloseCode.RATE_LIMIT_FLOOD.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void slowConsumerOverflowClosesButUrgentFramesAreKeptAndGoFirst() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelConnection c = connection(ch, 3, 1 << 20);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // the peer stopped reading
        c.send(Outbound.of(new ServerMessage.Ok("n1", null)));
        c.send(Outbound.of(new ServerMessage.Ok("n2", null)));
        c.send(Outbound.urgent(new ServerMessage.Ok("u1", null)));
        assertThat((Object) ch.readOutbound()).isNull();
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        c.drain();
        assertThat(texts(ch))
                .containsExactly(
                        "{\"type\":\"ok\",\"re\":\"u1\"}",
                        "{\"type\":\"ok\",\"re\":\"n1\"}",
                        "{\"type\":\"ok\",\"re\":\"n2\"}");

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        for (int i = 0; i < 3; i++) {
            c.send(Outbound.of(new ServerMessage.Ok("q" + i, null)));
        }
        assertThat(ch.isOpen()).isTrue();
        c.send(Outbound.of(new ServerMessage.Ok("overflow", null)));
        assertThat(closeCode(ch)).isEqualTo(CloseCode.SLOW_CONSUMER.code());
        ch.finishAndReleaseAll();
    }

    private static List<String> texts(EmbeddedChannel ch) {
        List<String> out = new java.util.ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            TextWebSocketFrame f = (TextWebSocketFrame) o;
            out.add(f.content().toString(StandardCharsets.UTF_8));
            f.release();
        }
        return out;
    }

    private static int closeCode(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                close.release();
                return code;
            }
            ReferenceCountUtil.release(o);
        }
        return -1;
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrderWhenAnEarlierOneAnswersLater() {
        java.util.concurrent.CompletableFuture<HttpReply> later = new java.util.concurrent.CompletableFuture<>();
        Map<String, HttpEndpoint> endpoints = new java.util.HashMap<>(HttpRoutes.health(() -> Readiness.READY));
        endpoints.put("/slow", request -> later);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRoutes(
                new OriginPolicy(List.of(), null, false),
                () -> Readiness.READY,
                endpoints,
                ConsoleFiles.fromClassPath()));
        ch.writeInbound(request("/slow"));
        ch.writeInbound(request("/healthz"));
        ch.writeInbound(request("/nowhere"));
        assertThat((Object) ch.readOutbound())
                .as("nothing passes the answer still to come")
                .isNull();

        later.complete(HttpReply.json(HttpResponseStatus.ACCEPTED, "{}"));
        ch.runPendingTasks();
        List<HttpResponseStatus> order = new java.util.ArrayList<>();
        for (FullHttpResponse r; (r = ch.readOutbound()) != null; ) {
            order.add(r.status());
            r.release();
        }
        assertThat(order)
                .containsExactly(HttpResponseStatus.ACCEPTED, HttpResponseStatus.OK, HttpResponseStatus.NOT_FOUND);
        assertThat(status(ch, "/healthz")).as("and on from there as usual").isEqualTo(HttpResponseStatus.OK);
    }

    private static HttpResponseStatus status(EmbeddedChannel ch, String path) {
        ch.writeInbound(request(path));
        FullHttpResponse response = ch.readOutbound();
        HttpResponseStatus status = response.status();
        response.release();
        return status;
    }

    private static FullHttpRequest request(String path) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set(HttpHeaderNames.HOST, "localhost:8080");
        return r;
    }
}
