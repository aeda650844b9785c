package org.haven.client.crypto;

import java.security.GeneralSecurityException;

/**
 * Thrown when a message cannot be sealed or opened safely: a refused bundle (bad signature, wrong
 * algorithm, malformed key), a used or unknown one-time prekey, or a failed authentication tag.
 *
 * <p>It is a {@link GeneralSecurityException} so callers that already handle JCA failures handle
 * this too. Messages name what was refused, never key material or plaintext.
 */
public final class E2eException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** A refusal with its reason. */
    public E2eException(String message) {
        super(message);
    }

    /** A refusal caused by a JCA failure (for instance {@link javax.crypto.AEADBadTagException}). */
    public E2eException(String message, Throwable cause) {
        super(message, cause);
    }
}
