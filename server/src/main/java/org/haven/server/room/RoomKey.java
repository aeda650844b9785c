package org.haven.server.room;

import java.util.Objects;
import org.haven.server.presence.UserRef;

/** A room within an organisation: rooms of different organisations never meet, whatever their ids. */
public record RoomKey(String org, String room) {
    public RoomKey {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(room, "room");
    }

    /** The room {@code room} in the organisation of {@code user}. */
    public static RoomKey of(UserRef user, String room) {
        return new RoomKey(user.org(), room);
    }

    @Override
    public String toString() {
        return org + "/" + room;
    }
}
