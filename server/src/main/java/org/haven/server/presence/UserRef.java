package org.haven.server.presence;

import java.util.Objects;

/** A user within an organisation: the key of presence. Opaque ids only. */
public record UserRef(String org, String user) {
    public UserRef {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(user, "user");
    }

    @Override
    public String toString() {
        return org + "/" + user;
    }
}
