package org.haven.server.connection;

import java.nio.charset.StandardCharsets;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.ServerMessage;

/**
 * A server message encoded once, ready to go to any number of connections: a room broadcast
 * encodes its event a single time.
 *
 * @param utf8 the JSON text as UTF-8; shared, never modified
 * @param urgent whether the frame jumps ahead of queued normal frames (alerts)
 */
public record Outbound(byte[] utf8, boolean urgent) {

    /** Encodes a normal-priority frame. */
    public static Outbound of(ServerMessage message) {
        return new Outbound(ProtocolCodec.instance().encode(message).getBytes(StandardCharsets.UTF_8), false);
    }

    /** Encodes a frame that jumps the outbound queue. */
    public static Outbound urgent(ServerMessage message) {
        return new Outbound(ProtocolCodec.instance().encode(message).getBytes(StandardCharsets.UTF_8), true);
    }

    /** The frame's JSON text. */
    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
