package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One member of a room as others see it: the opaque user id, the optional display name from the
 * token, the role in the organisation, the role in this room, the current presence status, and
 * whether they have stepped out (into a private breakout; nobody is told why).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(
        String user, String name, Role role, Sessions.RoomRole roomRole, PresenceStatus status, boolean steppedOut) {
    public Member {
        Fields.required(user, "user");
        Fields.required(role, "role");
        Fields.required(roomRole, "roomRole");
        Fields.required(status, "status");
    }
}
