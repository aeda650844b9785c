package org.haven.server.connection;

import java.util.List;

/**
 * The way to connections that share one path, such as those of another node reached over the
 * cluster bus: a frame for several of them travels once, and the far end hands it to each. Frames
 * sent through a route and those sent one by one from one thread keep their order.
 */
public interface SharedRoute {

    /** Sends {@code frame} to each connection of {@code connectionIds} on this route. */
    void sendAll(Outbound frame, List<String> connectionIds);
}
