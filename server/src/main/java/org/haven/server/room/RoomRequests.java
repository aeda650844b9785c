package org.haven.server.room;

import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a request about a room is run: on the room's executor (so the answer and the room's events
 * reach the requester in order), with an unexpected failure answered {@code internal} (with a
 * reference in the log) rather than left unanswered; snapshots carry the joiner's media servers.
 * Frames that are not answers (a resume's {@code room.resumed}, a move to a breakout) are sent with
 * {@link #reply(Connection, ServerMessage)}.
 *
 * <p>Threading: any thread; the tasks it runs, on the room's executor.
 */
final class RoomRequests {

    private static final Logger log = LoggerFactory.getLogger(RoomRequests.class);

    private final RoomExecutors executors;
    private final IceServers iceServers;

    RoomRequests(RoomExecutors executors, IceServers iceServers) {
        this.executors = executors;
        this.iceServers = iceServers;
    }

    /** Runs {@code task} on the room's executor (not a request: nobody to answer). */
    void execute(RoomKey key, Runnable task) {
        executors.execute(key, task);
    }

    /**
     * Runs a request's task on the room's executor; if it fails unexpectedly the requester is told
     * {@code internal} rather than left waiting.
     */
    void onRoom(RoomKey key, Reply reply, Runnable task) {
        executors.execute(key, () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debug("room request failed room={}", key);
                reply.fail(e);
            }
        });
    }

    /** The room as {@code user} sees it on joining. Room thread only. */
    Result.RoomSnapshot snapshot(Room room, UserRef user) {
        return room.snapshot(iceServers.forUser(user.user()));
    }

    static void reply(Connection connection, ServerMessage message) {
        connection.send(Outbound.of(message));
    }
}
