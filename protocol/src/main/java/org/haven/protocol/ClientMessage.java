package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A request from a client. Every request carries a client-chosen {@code id}; the server answers
 * each with exactly one {@link ServerMessage.Ok} or {@link ServerMessage.Error} whose {@code re}
 * is that id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ClientMessage.TokenRefresh.class, name = "token.refresh"),
    @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = ClientMessage.RoomJoin.class, name = "room.join"),
    @JsonSubTypes.Type(value = ClientMessage.RoomLeave.class, name = "room.leave"),
    @JsonSubTypes.Type(value = ClientMessage.ChatSend.class, name = "chat.send"),
    @JsonSubTypes.Type(value = ClientMessage.PresenceSet.class, name = "presence.set"),
    @JsonSubTypes.Type(value = ClientMessage.PresenceQuery.class, name = "presence.query"),
})
public sealed interface ClientMessage {

    /** The client-chosen request id, echoed as {@code re} in the reply. */
    String id();

    /**
     * The first message of every connection: the JWT and the protocol versions the client speaks.
     * Answered with {@code ok} carrying a {@link Result.Welcome}.
     */
    record Hello(String id, String token, List<Integer> versions) implements ClientMessage {
        public Hello {
            Fields.id(id);
            Fields.required(token, "token");
            Fields.required(versions, "versions");
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("versions: empty");
            }
            versions = List.copyOf(versions);
        }
    }

    /** Replaces the connection's token with a newer one for the same user before it expires. */
    record TokenRefresh(String id, String token) implements ClientMessage {
        public TokenRefresh {
            Fields.id(id);
            Fields.required(token, "token");
        }
    }

    /** An application-level ping for clients (such as browsers) that cannot send WebSocket pings. */
    record Ping(String id) implements ClientMessage {
        public Ping {
            Fields.id(id);
        }
    }

    /** Joins a room the caller's token grants. Answered with a {@link Result.RoomSnapshot}. */
    record RoomJoin(String id, String room) implements ClientMessage {
        public RoomJoin {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** Leaves a room this connection joined. */
    record RoomLeave(String id, String room) implements ClientMessage {
        public RoomLeave {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** Posts a message to a room's group chat. Answered with a {@link Result.ChatSent}. */
    record ChatSend(String id, String room, String text) implements ClientMessage {
        public ChatSend {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(text, "text");
        }
    }

    /** Sets the caller's presence status, shown in every room they have joined. */
    record PresenceSet(String id, PresenceStatus status) implements ClientMessage {
        public PresenceSet {
            Fields.id(id);
            Fields.required(status, "status");
        }
    }

    /** Asks for the presence of a room's members. Answered with a {@link Result.PresenceList}. */
    record PresenceQuery(String id, String room) implements ClientMessage {
        public PresenceQuery {
            Fields.id(id);
            Fields.roomId(room);
        }
    }
}
