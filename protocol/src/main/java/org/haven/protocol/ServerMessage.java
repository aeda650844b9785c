package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

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
    @JsonSubTypes.Type(value = ServerMessage.RoomNotice.class, name = "room.notice"),
    @JsonSubTypes.Type(value = ServerMessage.PresenceChanged.class, name = "presence.changed"),
    @JsonSubTypes.Type(value = ServerMessage.AlertNotice.class, name = "alert"),
    @JsonSubTypes.Type(value = ServerMessage.FollowUpDue.class, name = "alert.follow_up_due"),
    @JsonSubTypes.Type(value = ServerMessage.SessionStateChanged.class, name = "session.state"),
    @JsonSubTypes.Type(value = ServerMessage.WaitingList.class, name = "room.waiting_list"),
    @JsonSubTypes.Type(value = ServerMessage.Admitted.class, name = "room.admitted"),
    @JsonSubTypes.Type(value = ServerMessage.Declined.class, name = "room.declined"),
    @JsonSubTypes.Type(value = ServerMessage.Removed.class, name = "room.removed"),
    @JsonSubTypes.Type(value = ServerMessage.SteppedOut.class, name = "room.member_stepped_out"),
    @JsonSubTypes.Type(value = ServerMessage.Returned.class, name = "room.member_returned"),
    @JsonSubTypes.Type(value = ServerMessage.BreakoutMoved.class, name = "breakout.moved"),
    @JsonSubTypes.Type(value = ServerMessage.BreakoutEnded.class, name = "breakout.ended"),
    @JsonSubTypes.Type(value = ServerMessage.RtcRelay.class, name = "rtc.relay"),
    @JsonSubTypes.Type(value = ServerMessage.DmMessage.class, name = "dm.message"),
    @JsonSubTypes.Type(value = ServerMessage.KeysChanged.class, name = "keys.changed"),
    @JsonSubTypes.Type(value = ServerMessage.RoomResumed.class, name = "room.resumed"),
    @JsonSubTypes.Type(value = ServerMessage.CheckInRequested.class, name = "checkin.requested"),
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

    /**
     * A notice to the room from outside it: the organisation's backend (a scheduling system, say)
     * posted {@code text} through the server API; {@code from} says who, {@code service:<name>}. It is
     * the room's, not a member's: shown as a line of the room, never answered.
     */
    record RoomNotice(String room, long seq, String from, String text, Instant sentAt) implements RoomEvent {}

    /** A member's presence status changed. */
    record PresenceChanged(String room, long seq, String user, PresenceStatus status) implements RoomEvent {}

    /** Why an alert reaches a responder now. */
    enum AlertReason {
        @JsonProperty("raised")
        RAISED,
        @JsonProperty("escalated")
        ESCALATED,
        @JsonProperty("updated")
        UPDATED,
        @JsonProperty("redelivered")
        REDELIVERED,
        @JsonProperty("open")
        OPEN
    }

    /**
     * An alert for a responder, sent ahead of everything else queued; confirm it with
     * {@code alert.confirm} (its id and version) or it is sent again.
     */
    record AlertNotice(AlertReason reason, Alerts.View alert) implements ServerMessage {}

    /** The follow-up of an alert the recipient resolved is due. */
    record FollowUpDue(String alert, String client, Instant dueAt) implements ServerMessage {}

    /** The session of a room is now live, paused (hold media) or ended; {@code reason} when given. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionStateChanged(String room, long seq, Sessions.State state, String reason) implements RoomEvent {}

    /** For facilitators: who is waiting to be admitted, every time it changes. */
    record WaitingList(String room, List<Member> waiting) implements ServerMessage {
        public WaitingList {
            waiting = List.copyOf(waiting);
        }
    }

    /** A waiting client was admitted: the room as it is now. */
    record Admitted(String room, Result.RoomSnapshot snapshot) implements ServerMessage {}

    /** A waiting client was declined. */
    record Declined(String room) implements ServerMessage {}

    /** The recipient was removed from the room by a facilitator. */
    record Removed(String room) implements ServerMessage {}

    /** A member stepped out of the room (nobody is told why). */
    record SteppedOut(String room, long seq, String user) implements RoomEvent {}

    /** A member who had stepped out is back. */
    record Returned(String room, long seq, String user) implements RoomEvent {}

    /**
     * For the members moved into a breakout: switch there. {@code peers} are the users to connect
     * media to; {@code snapshot} is the breakout room.
     */
    record BreakoutMoved(String room, String breakout, List<String> peers, Result.RoomSnapshot snapshot)
            implements ServerMessage {
        public BreakoutMoved {
            peers = List.copyOf(peers);
        }
    }

    /** The breakout is over: its members are back in {@code room}. */
    record BreakoutEnded(String room, String breakout) implements ServerMessage {}

    /** A WebRTC signalling message from {@code from}, relayed as sent. */
    record RtcRelay(String room, String from, Sessions.Signal signal, String payload) implements ServerMessage {}

    /** A direct message for this device; confirm it with {@code dm.ack} or it comes again on the next connect. */
    record DmMessage(E2e.DirectMessage message) implements ServerMessage {}

    /** A chat partner's device has a new identity key: show the new safety number before trusting it. */
    record KeysChanged(String user, String device, String fingerprint) implements ServerMessage {}

    /**
     * After a reconnect with {@code resumeToken} and {@code lastSeq}: either every event after
     * {@code fromSeq - 1} follows, once and in order ({@code recovered}), or the room could not be
     * recovered and {@code snapshot} is the room as it is now.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RoomResumed(String room, boolean recovered, Long fromSeq, Result.RoomSnapshot snapshot)
            implements ServerMessage {}

    /**
     * The server has no check-in of this session for {@code room} any more (a failure lost it) or
     * an alert was raised without one: the client is asked to confirm where they are again
     * ({@code checkin.submit}). Nothing else changes: the client stays in the room.
     */
    record CheckInRequested(String room) implements ServerMessage {}
}
