package org.haven.protocol;

/**
 * The WebSocket close codes the server sends: the standard ones it uses and the application codes
 * (4000–4999) that Haven defines. A client must not reconnect automatically after 4003, 4005,
 * 4006 or 4012; after the others it may, with backoff.
 */
public enum CloseCode {
    /** Standard: the server is shutting down or restarting; reconnect to another node. */
    GOING_AWAY(
            1001,
            "The server is shutting down, or another node serves the organisation now; reconnect, possibly to another node."),
    /** Standard: a binary frame was received; the protocol uses text frames only. */
    UNSUPPORTED_DATA(1003, "Binary frames are not part of the protocol."),
    /** Standard: a frame or message exceeded the maximum size (64 KiB by default). */
    MESSAGE_TOO_BIG(1009, "A frame or message exceeded the maximum size."),
    /** Standard: the server met an unexpected condition. */
    INTERNAL_ERROR(1011, "The server met an unexpected condition."),
    /** No {@code hello} arrived within the authentication time-out (5 s by default). */
    AUTH_TIMEOUT(4001, "No hello arrived within the authentication time-out."),
    /** A message other than {@code hello} arrived before authentication. */
    AUTH_REQUIRED(4002, "The first message must be hello."),
    /** The token in {@code hello} was missing, malformed, forged, expired or not yet valid. */
    AUTH_FAILED(4003, "The token was rejected."),
    /** The token expired and no {@code token.refresh} with a newer one arrived in time. */
    TOKEN_EXPIRED(4004, "The token expired; reconnect with a fresh token."),
    /** The client offered no protocol version this server speaks. */
    UNSUPPORTED_VERSION(4005, "No protocol version in common."),
    /** The token was revoked, or the user's access was withdrawn. */
    REVOKED(4006, "The token or the user's access was revoked."),
    /** The connection kept sending past its rate limit. */
    RATE_LIMIT_FLOOD(
            4008, "Sustained flooding past the rate limit, or too many requests before the hello was answered."),
    /** The client did not read fast enough and its outbound queue overflowed. */
    SLOW_CONSUMER(4009, "The client did not read fast enough; its outbound queue overflowed."),
    /** The server could not answer pings from this connection in time (no pong). */
    IDLE_TIMEOUT(4010, "Nothing was received within the idle time-out; the connection is presumed dead."),
    /** The user already has the most connections allowed at once. */
    TOO_MANY_CONNECTIONS(4011, "The user has too many connections open at once."),
    /**
     * The organisation's backend ended the user's connections (the server API's disconnect), without
     * revoking anything: the token still works.
     */
    DISCONNECTED(4012, "The organisation ended this connection; sign in again with a fresh token.");

    private final int code;
    private final String meaning;

    CloseCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The numeric close code. */
    public int code() {
        return code;
    }

    /** What the code means, as documented in {@code docs/protocol.md}. */
    public String meaning() {
        return meaning;
    }

    /** Returns the close code with this number, or {@code null} when Haven does not define it. */
    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
