package org.haven.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.session.Revocations;

/**
 * {@code POST /admin/revoke} with {@code Authorization: Bearer <HAVEN_ADMIN_TOKEN>} and a body
 * {@code {"tokenId": "..."}} or {@code {"org": "...", "user": "..."}}: denies it from now on and
 * ends its live connections (close code 4006). The route exists only when an admin token is
 * configured.
 */
final class AdminRevokeEndpoint implements HttpEndpoint {

    static final String PATH = "/admin/revoke";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] adminToken;
    private final Revocations revocations;

    AdminRevokeEndpoint(String adminToken, Revocations revocations) {
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.revocations = revocations;
    }

    @Override
    public CompletionStage<HttpReply> handle(FullHttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return now(HttpReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed"));
        }
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        byte[] presented =
                auth.startsWith("Bearer ") ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, adminToken)) {
            return now(HttpReply.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized"));
        }
        CompletionStage<Integer> closed;
        try {
            JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (body != null
                    && body.hasNonNull("tokenId")
                    && body.get("tokenId").isTextual()) {
                closed = revocations.revokeToken(body.get("tokenId").asText());
            } else if (body != null
                    && body.path("org").isTextual()
                    && body.path("user").isTextual()) {
                closed = revocations.revokeUser(
                        body.get("org").asText(), body.get("user").asText());
            } else {
                throw new IllegalArgumentException("expected tokenId, or org and user");
            }
        } catch (IOException | IllegalArgumentException e) {
            return now(HttpReply.json(
                    HttpResponseStatus.BAD_REQUEST,
                    "{\"error\":\"bad_request\",\"message\":\"expected {tokenId} or {org, user}\"}"));
        }
        // The count covers every node: it completes once the others answered (1 s at most).
        return closed.thenApply(n -> HttpReply.json(HttpResponseStatus.OK, "{\"closed\":" + n + "}"));
    }

    private static CompletionStage<HttpReply> now(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
