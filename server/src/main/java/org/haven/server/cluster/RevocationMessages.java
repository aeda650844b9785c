package org.haven.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.haven.server.auth.Revocation;
import org.haven.server.presence.UserRef;

/** A revocation as the nodes tell each other on the bus: ids and an end time, nothing else. */
public final class RevocationMessages {

    static final String KIND = "revoked";

    private RevocationMessages() {}

    public static ObjectNode of(Revocation r) {
        ObjectNode m = Relay.message(KIND).put("until", r.until().toEpochMilli());
        if (r.tokenId() != null) {
            m.put("token", r.tokenId());
        } else {
            m.put("org", r.user().org()).put("user", r.user().user());
        }
        return m;
    }

    /** The revocation {@code m} carries, or null when it is not one (or malformed). */
    public static Revocation read(JsonNode m) {
        if (!KIND.equals(m.path("k").asText()) || !m.path("until").canConvertToLong()) {
            return null;
        }
        Instant until = Instant.ofEpochMilli(m.path("until").asLong());
        if (m.hasNonNull("token")) {
            return Revocation.ofToken(m.path("token").asText(), until);
        }
        if (m.hasNonNull("org") && m.hasNonNull("user")) {
            return Revocation.ofUser(new UserRef(m.path("org").asText(), m.path("user").asText()), until);
        }
        return null;
    }
}
