package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One member of a room as others see it: the opaque user id, the optional display name from the
 * token, the role, and the current presence status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(String user, String name, Role role, PresenceStatus status) {
    public Member {
        Fields.required(user, "user");
        Fields.required(role, "role");
        Fields.required(status, "status");
    }
}
