package org.haven.loadtest.wire;

/**
 * What the connections of a run tell their scenario, on the connections' event loops (so quickly,
 * and thread-safely). Every method does nothing by default; a scenario overrides what it measures.
 */
public interface PeerEvents {

    /** A chat message of the generator reached {@code receiver}; times are {@link System#nanoTime()}. */
    default void chatDelivered(WirePeer receiver, long intendedNanos, long receivedNanos) {}

    /** The server answered a chat post of {@code sender}: {@code error} is its error code, or {@code null}. */
    default void postAnswered(WirePeer sender, String error) {}

    /** What an alert notice says of when the server raised it, when the target says it at all. */
    long NOT_STAMPED = Long.MIN_VALUE;

    /**
     * An alert of {@code raiser} reached {@code receiver}: {@code raised} for the first notice of an
     * alert, {@code false} for any later one (escalated, re-sent). {@code stampedNanos} is when the
     * server says it raised the alert, on this machine's {@link System#nanoTime()} scale (the server
     * shares the clock), or {@link #NOT_STAMPED}.
     */
    default void alertNoticed(
            WirePeer receiver, String raiser, boolean raised, long receivedNanos, long stampedNanos) {}

    /** A frame the generator did not expect (an unsolicited error, an undecodable frame). */
    default void unexpected(WirePeer receiver, String what) {}
}
