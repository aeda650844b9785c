package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A message from the server: a reply ({@link Ok}, {@link Error}) to one request, or an event.
 * Room events carry the room and its per-room sequence number {@code seq}, which increases by
 * one with every event of that room.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Ok.class, name = "ok"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ServerMessage.MemberJoined.class, name = "room.member_joined"),
    @JsonSubTypes.Type(value = ServerMessage.MemberLeft.class, name = "room.member_left"),
    @JsonSubTypes.Type(value = ServerMessage.ChatMessage.class, name = "chat.message"),
    @JsonSubTypes.Type(value = ServerMessage.PresenceChanged.class, name = "presence.changed"),
    @JsonSubTypes.Type(value = ServerMessage.AlertNotice.class, name = "alert"),
    @JsonSubTypes.Type(value = ServerMessage.FollowUpDue.class, name = "alert.follow_up_due"),
})
public sealed interface ServerMessage {

    /** An event that belongs to a room's ordered stream. */
    sealed interface RoomEvent extends ServerMessage {
        String room();

        long seq();
    }

    /** The request {@code re} succeeded; {@code result} is present when the request returns data. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Ok(String re, Result result) implements ServerMessage {
        public Ok {
            Fields.required(re, "re");
        }
    }

    /**
     * The request {@code re} failed with a documented {@code code}; {@code re} is absent when the
     * frame was too broken to carry an id.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String re, ErrorCode code, String message) implements ServerMessage {
        public Error {
            Fields.required(code, "code");
            Fields.required(message, "message");
        }
    }

    /** A user joined the room (their first connection into it). */
    record MemberJoined(String room, long seq, Member member) implements RoomEvent {}

    /** A user left the room (their last connection left it, closed or broke). */
    record MemberLeft(String room, long seq, String user) implements RoomEvent {}

    /** A group chat message. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatMessage(String room, long seq, String from, String name, String text, Instant sentAt)
            implements RoomEvent {}

    /** A member's presence status changed. */
    record PresenceChanged(String room, long seq, String user, PresenceStatus status) implements RoomEvent {}

    /** Why an alert reaches a responder now. */
    enum AlertReason {
        @JsonProperty("raised") RAISED,
        @JsonProperty("escalated") ESCALATED,
        @JsonProperty("updated") UPDATED,
        @JsonProperty("redelivered") REDELIVERED,
        @JsonProperty("open") OPEN
    }

    /**
     * An alert for a responder, sent ahead of everything else queued; confirm it with
     * {@code alert.confirm} (its id and version) or it is sent again.
     */
    record AlertNotice(AlertReason reason, Alerts.View alert) implements ServerMessage {}

    /** The follow-up of an alert the recipient resolved is due. */
    record FollowUpDue(String alert, String client, Instant dueAt) implements ServerMessage {}
}
