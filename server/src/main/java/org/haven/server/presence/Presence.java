package org.haven.server.presence;

import org.haven.protocol.PresenceStatus;

/** A user's presence: their chosen status and how many connections they have open. */
public record Presence(UserRef user, PresenceStatus status, int connections) {

    /** Whether the user has at least one open connection. */
    public boolean online() {
        return connections > 0;
    }

    /** The presence of a user with no connection. */
    public static Presence offline(UserRef user) {
        return new Presence(user, PresenceStatus.AVAILABLE, 0);
    }
}
