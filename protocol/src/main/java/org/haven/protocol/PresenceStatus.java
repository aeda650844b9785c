package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The availability a connected user shows to the rooms they share. */
public enum PresenceStatus {
    @JsonProperty("available")
    AVAILABLE,
    @JsonProperty("busy")
    BUSY,
    @JsonProperty("away")
    AWAY,
    /** Care team only: on call for alerts outside sessions. */
    @JsonProperty("on_call")
    ON_CALL,
    /** Care team only: connected but not taking alerts outside their rooms. */
    @JsonProperty("off_duty")
    OFF_DUTY;

    /** Whether a user of this role may choose this status. */
    public boolean allowedFor(Role role) {
        return switch (this) {
            case AVAILABLE, BUSY, AWAY -> true;
            case ON_CALL, OFF_DUTY -> role.isCareTeam();
        };
    }
}
