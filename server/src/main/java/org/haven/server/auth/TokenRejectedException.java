package org.haven.server.auth;

/**
 * A token failed verification. The {@link Reason} is safe to log; the token itself never is.
 * Stackless: bad tokens are ordinary input, not programming errors.
 */
public final class TokenRejectedException extends Exception {

    /** Why a token was refused, coarse enough to log and to tell the client. */
    public enum Reason {
        MALFORMED,
        OVERSIZED,
        BAD_SIGNATURE,
        UNSUPPORTED_ALGORITHM,
        EXPIRED,
        NOT_YET_VALID,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        MISSING_CLAIM,
        INVALID_CLAIM
    }

    private final Reason reason;

    public TokenRejectedException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
