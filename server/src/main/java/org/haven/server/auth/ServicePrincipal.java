package org.haven.server.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who a verified service credential says the caller is: a backend of one organisation (such as
 * {@code ehr-sync} of {@code demo}), the scopes it was granted, its token id (for revocation) and
 * expiry. A service is never a user: it opens no WebSocket session, and a user token calls no API.
 * Immutable.
 */
public record ServicePrincipal(String name, String org, Set<Scope> scopes, String tokenId, Instant expiresAt) {

    /** The prefix of a service's actor id in the audit trail and in care records' {@code updatedBy}. */
    public static final String ACTOR_PREFIX = "service:";

    public ServicePrincipal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Set.copyOf(scopes);
    }

    /** Whether the credential grants {@code scope}. */
    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** The service as an actor of the audit trail: {@code service:<name>}. */
    public String actor() {
        return ACTOR_PREFIX + name;
    }
}
