package org.haven.server.auth;

/** Turns a bearer token into a {@link Principal}, or refuses it. Implementations are thread-safe. */
public interface TokenVerifier {

    /** Verifies signature, issuer, audience, times and claims. */
    Principal verify(String token) throws TokenRejectedException;
}
