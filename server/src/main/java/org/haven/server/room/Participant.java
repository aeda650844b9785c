package org.haven.server.room;

import java.util.Objects;
import org.haven.protocol.Role;
import org.haven.server.connection.Connection;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/** One connection of a user, as a room knows it: who, with which role and display name, and where to send. */
public record Participant(UserRef user, Role role, @Nullable String name, Connection connection) {
    public Participant {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connection, "connection");
    }
}
