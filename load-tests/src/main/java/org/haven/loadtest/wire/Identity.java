package org.haven.loadtest.wire;

import java.util.Objects;
import org.haven.protocol.Role;

/**
 * Who a generator connection speaks for: a user id (distinct per connection, so per-user connection
 * limits never bind), their role, and the HS256 token every authenticating target verifies.
 */
public record Identity(String user, Role role, String token) {

    public Identity {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(token, "token");
    }
}
