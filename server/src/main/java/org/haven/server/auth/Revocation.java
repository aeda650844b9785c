package org.haven.server.auth;

import java.time.Instant;
import java.util.Objects;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/** One revocation: a token id, or a user of an organisation, denied until {@code until}. */
public record Revocation(@Nullable String tokenId, @Nullable UserRef user, Instant until) {

    public Revocation {
        if ((tokenId == null) == (user == null)) {
            throw new IllegalArgumentException("a revocation names a token id or a user (expected: exactly one)");
        }
        Objects.requireNonNull(until, "until");
    }

    public static Revocation ofToken(String tokenId, Instant until) {
        return new Revocation(tokenId, null, until);
    }

    public static Revocation ofUser(UserRef user, Instant until) {
        return new Revocation(null, user, until);
    }
}
