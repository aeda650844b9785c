package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The documented error codes carried by {@code error} replies. An error reply never ends the
 * connection by itself; the connection stays usable unless a close code follows.
 */
public enum ErrorCode {
    /** The frame was not valid JSON. */
    MALFORMED_JSON("malformed_json", "The frame is not valid JSON."),
    /** The JSON had no {@code type}, or a {@code type} this protocol version does not define. */
    UNKNOWN_TYPE("unknown_type", "The message type is missing or not defined by the negotiated protocol."),
    /** A field was missing, had the wrong JSON type, or had a value out of range. */
    INVALID_MESSAGE("invalid_message", "A field is missing, of the wrong type, or out of range."),
    /** A limit of the JSON reader was exceeded: nesting depth, string or number length. */
    MESSAGE_TOO_COMPLEX("message_too_complex", "The JSON nests too deeply or holds an oversized string or number."),
    /** A {@code hello} arrived on a connection that is already authenticated. */
    ALREADY_AUTHENTICATED("already_authenticated", "The connection is already authenticated; hello is accepted once."),
    /** The token in {@code token.refresh} was invalid, expired, or for another user. */
    TOKEN_REJECTED("token_rejected", "The refreshed token is invalid, expired, or names another user or organisation."),
    /** The caller's role or grants do not allow this action. */
    FORBIDDEN("forbidden", "The caller's role, organisation or room grants do not allow this action."),
    /** The action needs membership of a room the caller has not joined. */
    NOT_A_MEMBER("not_a_member", "The caller has not joined this room."),
    /** The caller has already joined this room on this connection. */
    ALREADY_JOINED("already_joined", "The caller has already joined this room on this connection."),
    /** The room requires a check-in for this session, and the client has none. */
    CHECK_IN_REQUIRED("check_in_required", "Confirm your location (checkin.submit) before joining this session."),
    /** The alert or record does not exist, or the caller may not see it. */
    NOT_FOUND("not_found", "No such alert or record visible to the caller."),
    /** The alert's state does not allow this transition. */
    ILLEGAL_TRANSITION("illegal_transition", "The alert's current state does not allow this step."),
    /** The session is paused: participants' group chat waits until it resumes. */
    SESSION_PAUSED("session_paused", "The session is paused; group chat resumes with it."),
    /** The session has ended. */
    SESSION_ENDED("session_ended", "The session has ended."),
    /** A text exceeded its documented size limit. */
    TOO_LARGE("too_large", "A field exceeds its documented size limit."),
    /** The connection sent requests faster than its rate limit allows; the request was dropped. */
    RATE_LIMITED("rate_limited", "Too many requests; slow down. A sustained flood closes the connection (4008)."),
    /** A limit on connections, rooms or members was reached. */
    LIMIT_REACHED(
            "limit_reached",
            "A documented limit (rooms per connection, members per room, actions per alert) was reached."),
    /**
     * A raise or flag was not confirmed as stored within its deadline (a store or a node failed):
     * the raiser must call the crisis line now. The alert may still reach the care team.
     */
    ALERT_UNCONFIRMED(
            "alert_unconfirmed",
            "The alert could not be confirmed in time; call the crisis line now (it may still reach the care team)."),
    /** The node does not page by Web Push (no {@code pushKey} in its welcome): nothing was stored. */
    PUSH_NOT_CONFIGURED("push_not_configured", "This node does not page by Web Push; the subscription was not stored."),
    /** The subscription's endpoint is not at a push service this node sends to. */
    PUSH_ENDPOINT_NOT_ALLOWED(
            "push_endpoint_not_allowed", "The subscription's push service is not one this node sends to."),
    /** The server could not complete the request (a fault, or a store past its deadline); send it again after a moment. */
    INTERNAL("internal", "The server could not complete the request; it is logged under an opaque reference.");

    private final String wire;
    private final String meaning;

    ErrorCode(String wire, String meaning) {
        this.wire = wire;
        this.meaning = meaning;
    }

    /** The code as it appears on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** What the code means, as documented in {@code docs/protocol.md}. */
    public String meaning() {
        return meaning;
    }

    /** Returns the code for its wire form, or {@code null} when there is none. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return null;
    }
}
