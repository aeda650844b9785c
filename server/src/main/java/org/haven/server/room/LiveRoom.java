package org.haven.server.room;

import java.util.List;
import java.util.Objects;
import org.haven.protocol.Member;
import org.haven.protocol.Sessions;

/**
 * A live session as its organisation's backend reads it: the room's id, kind and session state
 * (and whether a pause is the coverage rule's), its admission rule, its members as a joiner's
 * snapshot shows them (role in the room, display name when their token has one, presence status,
 * stepped out or not) and who waits to be admitted.
 *
 * <p>Threading: immutable; taken on the room's executor.
 */
public record LiveRoom(
        String room,
        Sessions.RoomKind kind,
        Sessions.State state,
        boolean pausedForCoverage,
        boolean requiresAdmission,
        List<Member> members,
        List<Member> waiting) {

    public LiveRoom {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        members = List.copyOf(members);
        waiting = List.copyOf(waiting);
    }

    /** {@code room} as it is now. Room thread only. */
    static LiveRoom of(Room room) {
        return new LiveRoom(
                room.key.room(),
                room.kind(),
                room.state(),
                room.pausedForCoverage(),
                room.requiresAdmission(),
                room.roster(),
                room.waitingList());
    }
}
