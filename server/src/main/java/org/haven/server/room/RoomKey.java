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

    /** The separator between a group's id and its breakout's suffix: {@code group-1~b-1f}. */
    static final String BREAKOUT_SEPARATOR = "~";

    /** Whether this is a breakout (a private child room of a group). */
    public boolean isBreakout() {
        return room.contains(BREAKOUT_SEPARATOR);
    }

    /** The group a breakout belongs to; the room itself otherwise. Grants are checked against this id. */
    public String grantRoom() {
        int i = room.indexOf(BREAKOUT_SEPARATOR);
        return i < 0 ? room : room.substring(0, i);
    }

    /** Breakouts run on their group's executor, so a move between the two is one atomic step. */
    RoomKey executorKey() {
        return isBreakout() ? new RoomKey(org, grantRoom()) : this;
    }

    @Override
    public String toString() {
        return org + "/" + room;
    }
}
