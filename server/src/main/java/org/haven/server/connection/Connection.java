package org.haven.server.connection;

import org.haven.protocol.CloseCode;
import org.jspecify.annotations.Nullable;

/**
 * One client connection as the domain sees it: an id, a way to send, a way to close. Domain code
 * never sees a channel or a buffer. Every method is thread-safe and never blocks.
 */
public interface Connection {

    /** An opaque id, unique on this node, safe to log. */
    String id();

    /**
     * Queues a frame. Frames sent from one thread arrive in the order sent. When the client does
     * not read and the bounded outbound queue overflows, the connection is closed with
     * {@link CloseCode#SLOW_CONSUMER} rather than growing without bound; urgent frames jump the queue.
     */
    void send(Outbound frame);

    /** Closes with a close frame carrying {@code code} and a short reason. Idempotent. */
    void close(CloseCode code, String reason);

    /**
     * Whether the connection ended without a close handshake: neither the client said goodbye nor
     * did the server close it. Such a client may be back in a moment; its departure waits a short
     * grace period so that presence does not flap.
     */
    default boolean endedAbruptly() {
        return false;
    }

    /**
     * The route this connection shares with others (a room's broadcast then sends a frame once per
     * route), or null when it is reached on its own.
     */
    default @Nullable SharedRoute route() {
        return null;
    }
}
