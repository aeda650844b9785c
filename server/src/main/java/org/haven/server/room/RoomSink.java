package org.haven.server.room;

import java.time.Instant;
import org.haven.protocol.ServerMessage;
import org.haven.server.connection.Outbound;
import org.jspecify.annotations.Nullable;

/**
 * Where a room's events go: every change a room makes to what others can see or take up passes here,
 * in order, on the room's executor. Sent at once ({@link #DIRECT}), or recorded in the journal first
 * and delivered once recorded ({@link JournaledRoomSink}).
 */
interface RoomSink {

    /** Delivers {@code event} (encoded as {@code frame}) to {@code audience}, recording it first if journaled. */
    void emit(Room room, ServerMessage.RoomEvent event, Outbound frame, Instant at, Delivery audience);

    /** The room's session state changed without an event members see (configuration): recorded if journaled. */
    void stateChanged(Room room, Instant at);

    /** Runs {@code send} once every event emitted before it is delivered. */
    void after(Runnable send);

    /** The journal this sink records in, or null. */
    default @Nullable RoomJournal journal() {
        return null;
    }

    /** Sends every event at once: a room nobody needs to take up (one node, a breakout). */
    RoomSink DIRECT = new RoomSink() {
        @Override
        public void emit(Room room, ServerMessage.RoomEvent event, Outbound frame, Instant at, Delivery audience) {
            audience.send(frame);
        }

        @Override
        public void stateChanged(Room room, Instant at) {}

        @Override
        public void after(Runnable send) {
            send.run();
        }
    };
}
