package org.haven.server.session;

import org.haven.protocol.ClientMessage;
import org.haven.protocol.Decoded;

/**
 * An open session as its connection's reader sees it (the transport here, the relay for a
 * connection on another node): requests in, and the end. Called by one thread at a time.
 */
public interface Session {

    /** A well-formed request. */
    void onMessage(ClientMessage message);

    /** A frame that could not be decoded. */
    void onInvalid(Decoded.Invalid invalid);

    /** The connection closed or broke. Idempotent. */
    void onClosed();
}
