package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The role a token grants its holder in the organisation. */
public enum Role {
    @JsonProperty("client")
    CLIENT,
    @JsonProperty("clinician")
    CLINICIAN,
    @JsonProperty("supervisor")
    SUPERVISOR,
    @JsonProperty("support")
    SUPPORT;

    /** The role as written in tokens and on the wire. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns the role for its wire form, or {@code null} when there is none. */
    public static Role fromWire(String wire) {
        for (Role role : values()) {
            if (role.wire().equals(wire)) {
                return role;
            }
        }
        return null;
    }

    /** Whether the role belongs to the care team (clinicians and supervisors). */
    public boolean isCareTeam() {
        return this == CLINICIAN || this == SUPERVISOR;
    }
}
