package org.haven.server.cluster;

import java.time.Instant;
import java.util.Objects;
import org.haven.server.auth.Revocation;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * A revocation as the nodes tell each other on the bus: ids and an end time, nothing else.
 *
 * <p>Threading: stateless, any thread.
 */
public final class RevocationMessages {

    private RevocationMessages() {}

    /** The broadcast of {@code r} by node {@code from}, asking for counts under {@code ask} (null: none). */
    public static NodeMessage.Revoked of(String from, Revocation r, @Nullable String ask) {
        String token = r.tokenId();
        if (token != null) {
            return new NodeMessage.Revoked(from, token, null, null, r.until().toEpochMilli(), ask);
        }
        UserRef user = Objects.requireNonNull(r.user(), "a revocation names a token id or a user");
        return new NodeMessage.Revoked(
                from, null, user.org(), user.user(), r.until().toEpochMilli(), ask);
    }

    /** The revocation {@code m} carries. */
    public static Revocation read(NodeMessage.Revoked m) {
        Instant until = Instant.ofEpochMilli(m.until());
        return m.token() != null
                ? Revocation.ofToken(m.token(), until)
                : Revocation.ofUser(
                        new UserRef(Objects.requireNonNull(m.org(), "org"), Objects.requireNonNull(m.user(), "user")),
                        until);
    }
}
