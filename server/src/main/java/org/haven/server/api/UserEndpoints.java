package org.haven.server.api;

import java.util.concurrent.CompletionStage;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.session.Revocations;
import org.jspecify.annotations.Nullable;

/**
 * The organisation's users through the API: revoke a token or a user (as {@code /admin/revoke}
 * does, within the service's organisation), or close a user's live connections now without
 * revoking anything. Both act on every node of the cluster and answer how many sessions closed.
 *
 * <p>Threading: stateless; runs on the API's thread, the other nodes' counts complete on the bus's.
 */
final class UserEndpoints {

    /** {@code POST /api/v1/users/revoke}: a token id, or a user ({@code org} optional: the service's). */
    record RevokeBody(
            @Nullable String tokenId,
            @Nullable String org,
            @Nullable String user) {}

    /** How many sessions closed, on every node. */
    record Closed(int closed) {}

    private final Revocations revocations;

    UserEndpoints(Revocations revocations) {
        this.revocations = revocations;
    }

    CompletionStage<Closed> revoke(ApiCall call) {
        RevokeBody body = call.body(RevokeBody.class);
        ServicePrincipal service = call.service();
        String tokenId = body.tokenId();
        String user = body.user();
        if (tokenId != null && user == null && body.org() == null) {
            if (tokenId.isEmpty() || tokenId.length() > PathTemplate.MAX_PARAMETER_CHARS) {
                throw new ApiRefusal(ApiError.INVALID_MESSAGE, "tokenId: 1..128 characters");
            }
            call.subject("token:" + tokenId);
            return revocations.revokeToken(tokenId).thenApply(Closed::new);
        }
        if (tokenId == null && user != null) {
            if (user.isEmpty() || user.length() > PathTemplate.MAX_PARAMETER_CHARS) {
                throw new ApiRefusal(ApiError.INVALID_MESSAGE, "user: 1..128 characters");
            }
            if (body.org() != null && !body.org().equals(service.org())) {
                call.subject("user:" + body.org() + "/" + user);
                throw new ApiRefusal(ApiError.FORBIDDEN, "a service revokes the users of its own organisation only");
            }
            call.subject("user:" + service.org() + "/" + user);
            return revocations.revokeUser(service.org(), user).thenApply(Closed::new);
        }
        throw new ApiRefusal(ApiError.INVALID_MESSAGE, "expected {tokenId} or {user} (with org, the service's own)");
    }

    CompletionStage<Closed> disconnect(ApiCall call) {
        return revocations
                .disconnectUser(call.service().org(), call.param("user"))
                .thenApply(Closed::new);
    }
}
