package org.haven.server.cluster;

import java.time.Instant;
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
        return r.tokenId() != null
                ? new NodeMessage.Revoked(
                        from, r.tokenId(), null, null, r.until().toEpochMilli(), ask)
                : new NodeMessage.Revoked(
                        from, null, r.user().org(), r.user().user(), r.until().toEpochMilli(), ask);
    }

    /** The revocation {@code m} carries. */
    public static Revocation read(NodeMessage.Revoked m) {
        Instant until = Instant.ofEpochMilli(m.until());
        return m.token() != null
                ? Revocation.ofToken(m.token(), until)
                : Revocation.ofUser(new UserRef(m.org(), m.user()), until);
    }
}
