package org.haven.server.auth;

import org.jspecify.annotations.Nullable;

/** Turns a bearer token into a {@link Principal}, or refuses it. Implementations are thread-safe. */
public interface TokenVerifier {

    /** Verifies signature, issuer, audience, times and claims. */
    Principal verify(@Nullable String token) throws TokenRejectedException;
}
