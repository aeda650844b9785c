package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/** The typed payload of an {@code ok} reply; its {@code kind} names the shape. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Result.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = Result.TokenRefreshed.class, name = "token.refreshed"),
    @JsonSubTypes.Type(value = Result.RoomSnapshot.class, name = "room.snapshot"),
    @JsonSubTypes.Type(value = Result.ChatSent.class, name = "chat.sent"),
    @JsonSubTypes.Type(value = Result.PresenceList.class, name = "presence.list"),
})
public sealed interface Result {

    /** The answer to {@code hello}: who the server thinks the caller is, and the limits in force. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Welcome(
            int protocol,
            String connection,
            String user,
            String org,
            Role role,
            String name,
            List<String> rooms,
            Instant tokenExpiresAt,
            Limits limits)
            implements Result {
        public Welcome {
            rooms = List.copyOf(rooms);
        }
    }

    /** The limits a connection must respect. */
    record Limits(int maxFrameBytes, int maxChatChars, int requestsPerSecond, int requestBurst) {}

    /** The answer to {@code token.refresh}: the new expiry of the connection. */
    record TokenRefreshed(Instant tokenExpiresAt) implements Result {}

    /**
     * The state of a room at the moment of joining: its members with their roles and presence, and
     * the sequence number of the last event, after which the joiner receives every event.
     */
    record RoomSnapshot(String room, long seq, List<Member> members) implements Result {
        public RoomSnapshot {
            members = List.copyOf(members);
        }
    }

    /** The answer to {@code chat.send}: the sequence number the message was given in its room. */
    record ChatSent(String room, long seq) implements Result {}

    /** The answer to {@code presence.query}: every member of the room with their status. */
    record PresenceList(String room, List<Member> members) implements Result {
        public PresenceList {
            members = List.copyOf(members);
        }
    }
}
