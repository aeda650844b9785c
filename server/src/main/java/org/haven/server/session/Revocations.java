package org.haven.server.session;

import java.util.concurrent.CompletionStage;
import org.haven.server.auth.ServicePrincipal;

/**
 * What an administrator or an organisation's backend can withdraw: a token (by its id) or a user;
 * live connections end at once, on every node. Each completes with how many sessions were closed,
 * on every node, once the other nodes answered (1 s at most).
 */
public interface Revocations {

    /** Denies a token id from now on and closes its connections everywhere. */
    CompletionStage<Integer> revokeToken(String tokenId);

    /** Denies a user from now on and closes their connections everywhere. */
    CompletionStage<Integer> revokeUser(String org, String user);

    /**
     * Closes a user's connections everywhere now ({@code 4012}) without denying anything: their
     * token still opens a session.
     */
    CompletionStage<Integer> disconnectUser(String org, String user);

    /** Whether a service credential is revoked: its token id, or the service by name as a user of its organisation. */
    boolean isRevoked(ServicePrincipal service);
}
