package org.haven.server.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.haven.protocol.Role;
import org.jspecify.annotations.Nullable;

/**
 * Who a verified token says the caller is: opaque user id, organisation, role, the rooms granted,
 * an optional display name, the token id (for revocation) and its expiry. Immutable.
 */
public record Principal(
        String user,
        String org,
        Role role,
        Set<String> rooms,
        @Nullable String name,
        @Nullable String tokenId,
        Instant expiresAt) {

    public Principal {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        rooms = Set.copyOf(rooms);
    }

    /** Whether the token grants this room. */
    public boolean isGranted(String room) {
        return rooms.contains(room);
    }

    /** Whether {@code other} is the same user of the same organisation (a token refresh may not switch users). */
    public boolean isSameUser(Principal other) {
        return user.equals(other.user) && org.equals(other.org) && role == other.role;
    }
}
