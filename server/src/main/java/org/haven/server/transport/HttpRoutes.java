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
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The plain HTTP routes: {@code GET /healthz} (the process is alive), {@code GET /readyz} (it
 * accepts connections; 503 while draining), and the gate of {@code /ws}, which refuses foreign
 * origins with 403 before any handshake. Everything else is 404. Shared by all channels.
 */
@ChannelHandler.Sharable
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final OriginPolicy origins;
    private final BooleanSupplier ready;
    private final byte[] adminToken;
    private final org.haven.server.session.Revocations revocations;

    HttpRoutes(OriginPolicy origins, BooleanSupplier ready, String adminToken,
            org.haven.server.session.Revocations revocations) {
        super(false);
        this.origins = origins;
        this.ready = ready;
        this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
        this.revocations = revocations;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(HavenChannelInitializer.WEBSOCKET_PATH)) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (!origins.permits(origin, request.headers().get(HttpHeaderNames.HOST))) {
                respond(ctx, request, HttpResponseStatus.FORBIDDEN, "{\"error\":\"origin_not_allowed\"}");
                return;
            }
            ctx.fireChannelRead(request); // the WebSocket handler takes it from here and releases it
            return;
        }
        if (path.equals("/admin/revoke") && adminToken != null) {
            revoke(ctx, request);
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        switch (path) {
            case "/healthz" -> respond(ctx, request, HttpResponseStatus.OK, "{\"status\":\"up\"}");
            case "/readyz" -> {
                boolean isReady = ready.getAsBoolean();
                respond(ctx, request, isReady ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        isReady ? "{\"status\":\"ready\"}" : "{\"status\":\"draining\"}");
            }
            default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not_found\"}");
        }
    }

    /**
     * {@code POST /admin/revoke} with {@code Authorization: Bearer <HAVEN_ADMIN_TOKEN>} and a body
     * {@code {"tokenId": "..."}} or {@code {"org": "...", "user": "..."}}: denies it from now on and
     * ends its live connections (close code 4006). The route exists only when an admin token is
     * configured.
     */
    private void revoke(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        byte[] presented = auth.startsWith("Bearer ") ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!java.security.MessageDigest.isEqual(presented, adminToken)) {
            respond(ctx, request, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"unauthorized\"}");
            return;
        }
        int closed;
        try {
            com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (body != null && body.hasNonNull("tokenId") && body.get("tokenId").isTextual()) {
                closed = revocations.revokeToken(body.get("tokenId").asText());
            } else if (body != null && body.path("org").isTextual() && body.path("user").isTextual()) {
                closed = revocations.revokeUser(body.get("org").asText(), body.get("user").asText());
            } else {
                throw new IllegalArgumentException("expected tokenId, or org and user");
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "{\"error\":\"bad_request\",\"message\":\"expected {tokenId} or {org, user}\"}");
            return;
        }
        respond(ctx, request, HttpResponseStatus.OK, "{\"closed\":" + closed + "}");
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String json) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        request.release();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
