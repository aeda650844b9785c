package org.haven.server.auth;

import org.jspecify.annotations.Nullable;

/**
 * Turns a service credential (a JWT with {@code role: "service"}) into a {@link ServicePrincipal},
 * or refuses it; a user token is refused. Implementations are thread-safe.
 */
public interface ServiceTokenVerifier {

    /** Verifies signature, issuer, audience, times and the service's claims. */
    ServicePrincipal verifyService(@Nullable String token) throws TokenRejectedException;
}
