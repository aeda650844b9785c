package org.haven.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.haven.server.api.ServiceApi;
import org.jspecify.annotations.Nullable;

/**
 * The plain HTTP side of a node, shared by all channels: the gate of {@code /ws}, which refuses
 * browser origins that are neither the node's own nor allowed ({@link OriginPolicy}) with 403 and,
 * while the node does not serve, everyone with 503, before any handshake; then one
 * {@link HttpEndpoint} per exact path (a POST from such an origin refused the same way; a body over
 * {@value #MAX_ENDPOINT_BODY_BYTES} bytes refused 413), then the server API below {@code /api/}
 * (bearer credentials, no origin check: a page cannot send a credential it does not hold, and no
 * CORS header lets it read an answer), then the console's files below {@code /console/}.
 * Everything else is 404.
 */
@ChannelHandler.Sharable
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The last response of a connection still waiting to be written, if any. */
    private static final AttributeKey<CompletableFuture<Void>> ANSWERED = AttributeKey.valueOf("haven.http.answered");

    /** The largest body of the exact-path endpoints ({@code /admin/revoke}, {@code /dev/token}). */
    static final int MAX_ENDPOINT_BODY_BYTES = 8 * 1024;

    private final OriginPolicy origins;
    private final Map<String, HttpEndpoint> endpoints;
    private final ConsoleFiles console;
    private final Supplier<Readiness> readiness;
    private final @Nullable HttpEndpoint api;

    HttpRoutes(
            OriginPolicy origins,
            Supplier<Readiness> readiness,
            Map<String, HttpEndpoint> endpoints,
            ConsoleFiles console) {
        this(origins, readiness, endpoints, console, null);
    }

    HttpRoutes(
            OriginPolicy origins,
            Supplier<Readiness> readiness,
            Map<String, HttpEndpoint> endpoints,
            ConsoleFiles console,
            @Nullable HttpEndpoint api) {
        super(false);
        this.origins = origins;
        this.readiness = readiness;
        this.endpoints = Map.copyOf(endpoints);
        this.console = console;
        this.api = api;
    }

    /**
     * {@code GET /healthz} (the process is alive) and {@code GET /readyz}: 200 with {@code ready} or
     * {@code degraded} while the node serves, 503 with {@code draining} once it is stopping.
     */
    static Map<String, HttpEndpoint> health(Supplier<Readiness> readiness) {
        return Map.of(
                "/healthz", get(() -> HttpReply.json(HttpResponseStatus.OK, "{\"status\":\"up\"}")),
                "/readyz",
                        get(() -> {
                            Readiness r = readiness.get();
                            return HttpReply.json(
                                    r.serving() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    "{\"status\":\"" + r.wire() + "\"}");
                        }));
    }

    /** An endpoint that answers GET (and HEAD) only. */
    static HttpEndpoint get(Supplier<HttpReply> reply) {
        return HttpEndpoint.now(
                request -> HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method())
                        ? reply.get()
                        : HttpReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed"));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()
                || request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            // Not a request HTTP/1.1 can read (a header too long or too many, a broken Content-Length,
            // a byte a header may not hold), or an ambiguous one: refused, and the connection closed.
            HttpUtil.setKeepAlive(request, false);
            respond(ctx, request, HttpReply.error(HttpResponseStatus.BAD_REQUEST, "bad_request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(HavenChannelInitializer.WEBSOCKET_PATH)) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (!origins.permits(origin)) {
                respond(ctx, request, HttpReply.error(HttpResponseStatus.FORBIDDEN, "origin_not_allowed"));
                return;
            }
            if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
                respond(ctx, request, HttpReply.error(HttpResponseStatus.BAD_REQUEST, "http_1_1_required"));
                return;
            }
            if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                // RFC 6455 4.4: only the final protocol (13); the drafts (7, 8, hixie) are refused.
                HttpReply upgrade =
                        HttpReply.error(HttpResponseStatus.UPGRADE_REQUIRED, "websocket_version_13_required");
                respond(
                        ctx,
                        request,
                        new HttpReply(
                                upgrade.status(),
                                upgrade.contentType(),
                                upgrade.body(),
                                Map.of(HttpHeaderNames.SEC_WEBSOCKET_VERSION.toString(), "13")));
                return;
            }
            Readiness r = readiness.get();
            if (!r.serving()) {
                // A stopping node takes no new sessions: the client reconnects, through the load
                // balancer, to another node.
                respond(ctx, request, HttpReply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, r.wire()));
                return;
            }
            ctx.fireChannelRead(request); // the WebSocket handler takes it from here and releases it
            return;
        }
        HttpEndpoint endpoint = endpoints.get(path);
        if (endpoint == null && api != null && path.startsWith(ServiceApi.PREFIX)) {
            answer(ctx, request, api);
            return;
        }
        if (endpoint == null) {
            respond(ctx, request, route(path, request));
            return;
        }
        if (request.content().readableBytes() > MAX_ENDPOINT_BODY_BYTES) {
            HttpUtil.setKeepAlive(request, false);
            respond(ctx, request, HttpReply.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large"));
            return;
        }
        if (!HttpMethod.GET.equals(request.method())
                && !HttpMethod.HEAD.equals(request.method())
                && !origins.permits(request.headers().get(HttpHeaderNames.ORIGIN))) {
            // A browser sends its page's origin with every POST: a page of another origin (or one
            // whose name was rebound to this node) changes nothing here, as it opens no WebSocket.
            respond(ctx, request, HttpReply.error(HttpResponseStatus.FORBIDDEN, "origin_not_allowed"));
            return;
        }
        answer(ctx, request, endpoint);
    }

    /** {@code endpoint}'s answer to {@code request}, which is released once it has been read. */
    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, HttpEndpoint endpoint) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        CompletionStage<HttpReply> reply;
        try {
            reply = endpoint.handle(request);
        } finally {
            request.release();
        }
        inOrder(ctx, keepAlive, head, reply);
    }

    /** What is not an endpoint: the console's files, or not found. */
    private HttpReply route(String path, FullHttpRequest request) {
        if (!console.isEmpty() && (path.equals("/") || path.equals("/console"))) {
            return HttpReply.redirect(ConsoleFiles.PREFIX);
        }
        if (path.startsWith(ConsoleFiles.PREFIX)) {
            HttpReply file = console.get(path);
            if (file != null) {
                return HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method())
                        ? file
                        : HttpReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed");
            }
        }
        return HttpReply.error(HttpResponseStatus.NOT_FOUND, "not_found");
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpReply reply) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        request.release();
        inOrder(ctx, keepAlive, head, CompletableFuture.completedFuture(reply));
    }

    /**
     * Writes {@code reply} once it is ready and every earlier response of the connection is
     * written: HTTP/1.1 answers pipelined requests in the order they came, and an endpoint that
     * answers later ({@code POST /admin/revoke} waits for the other nodes) must not let a later
     * request's answer pass it.
     */
    private static void inOrder(
            ChannelHandlerContext ctx, boolean keepAlive, boolean head, CompletionStage<HttpReply> reply) {
        Attribute<CompletableFuture<Void>> last = ctx.channel().attr(ANSWERED);
        CompletableFuture<Void> before = last.get();
        CompletableFuture<HttpReply> ready = reply.toCompletableFuture()
                .exceptionally(failure -> HttpReply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal"));
        if ((before == null || before.isDone()) && ready.isDone()) {
            write(ctx, keepAlive, head, ready.join()); // the usual case: nothing waits
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        last.set(written);
        (before == null ? ready : before.thenCompose(v -> ready))
                .thenAccept(r -> ctx.executor().execute(() -> {
                    write(ctx, keepAlive, head, r);
                    written.complete(null);
                }));
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, boolean head, HttpReply reply) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                reply.status(),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        reply.headers().forEach(response.headers()::set);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (!response.headers().contains(HttpHeaderNames.CACHE_CONTROL)) {
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
