package org.haven.server.room;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where the node serving an organisation records its rooms, so that the next node to serve it (the
 * first died or stopped) takes them up where they were: each room's recent events with their
 * sequence numbers (the recovery history), its members and its session state.
 *
 * <p>Guarantees of every implementation:
 * <ul>
 * <li>Writes are fenced: an entry or a removal is written only while the writing node holds the
 * organisation's lease ({@code org:<id>}, see {@code cluster.Leases}), checked in the same atomic
 * step; a node that lost the organisation cannot change what the next one reads.</li>
 * <li>A room's events are kept contiguous: an entry whose {@code prevSeq} is not the last one
 * recorded is not written and the room's record is dropped ({@link Appended#OUT_OF_STEP}), so a
 * reader never takes a gap for a recovery. An entry marked {@code reset} starts the record again
 * from itself, whatever was there.</li>
 * <li>An entry without a frame changes only what it carries (header, members): the session's
 * configuration changed with no event members see. Its {@code seq} is its {@code prevSeq}, the
 * room's last event, and it is checked for contiguity like any other.</li>
 * <li>At most {@code maxEvents} events are read back per room (the latest); records expire when not
 * refreshed for a while (the implementation's time-to-live), so a room nobody took up does not stay
 * forever.</li>
 * </ul>
 */
public interface RoomJournal {

    /** How many recent events of a room are kept: as many as a room keeps in memory for recovery. */
    int MAX_EVENTS = RoomHistory.MAX_EVENTS;

    /** What became of an entry. */
    enum Appended {
        /** Recorded. */
        WRITTEN,
        /** Not recorded: the room's record did not end at {@code prevSeq}; it was dropped. */
        OUT_OF_STEP,
        /** Not recorded: this node does not hold the organisation's lease. */
        NOT_SERVING
    }

    /**
     * One room event and what it changed.
     *
     * @param seq the event's sequence number
     * @param prevSeq the sequence number of the room's previous event (or its first sequence number)
     * @param at when it happened, in epoch milliseconds
     * @param frame the event as sent, JSON text; null for an entry that only changes the header
     * @param header the room's session state after it (opaque text), or null when unchanged
     * @param members members added or changed by it, user id to opaque text
     * @param gone members it removed
     * @param reset whether the record starts again here: {@code members} is then the whole roster
     * @param refresh whether to renew the record's time-to-live (and its place in the organisation's
     *     list of rooms) with this entry; a writer does so on a reset and then about once a minute, so
     *     most entries cost only the append
     */
    record Entry(
            long seq,
            long prevSeq,
            long at,
            @Nullable String frame,
            @Nullable String header,
            Map<String, String> members,
            List<String> gone,
            boolean reset,
            boolean refresh) {

        /** An entry that renews the record's time-to-live. */
        public Entry(
                long seq,
                long prevSeq,
                long at,
                @Nullable String frame,
                @Nullable String header,
                Map<String, String> members,
                List<String> gone,
                boolean reset) {
            this(seq, prevSeq, at, frame, header, members, gone, reset, true);
        }

        public Entry {
            if (frame == null && seq != prevSeq) {
                throw new IllegalArgumentException("an entry without an event keeps the room's last number");
            }
            members = Map.copyOf(members);
            gone = List.copyOf(gone);
            if (reset && header == null) {
                throw new IllegalArgumentException("a reset entry carries the header");
            }
        }
    }

    /** One recorded event. */
    record Event(long seq, long at, String frame) {}

    /** A room as recorded: its session state, members and recent events, oldest first. */
    record Recorded(String room, String header, Map<String, String> members, List<Event> events) {
        public Recorded {
            members = Map.copyOf(members);
            events = List.copyOf(events);
        }
    }

    /** Records one event of a room of {@code key.org()}, with what it changed. */
    default CompletionStage<Appended> append(RoomKey key, Entry entry) {
        return append(key, List.of(entry));
    }

    /**
     * Records consecutive events of a room in one atomic step, in order, each as {@link #append(RoomKey,
     * Entry)} would; the first that is out of step drops the record and ends the step
     * ({@link Appended#OUT_OF_STEP}, those before it were written and are dropped with it).
     */
    CompletionStage<Appended> append(RoomKey key, List<Entry> entries);

    /** Every recorded room of {@code org}. */
    CompletionStage<List<Recorded>> load(String org);

    /** Drops a room's record (it emptied: nothing to take up); fenced like {@link #append}. */
    CompletionStage<Void> forget(RoomKey key);

    /** Whether this journal records anything (false: one node in memory, nobody to take over). */
    default boolean records() {
        return true;
    }

    /** A journal that records nothing: a single node keeps its rooms in its own memory. */
    RoomJournal NONE = new RoomJournal() {
        @Override
        public CompletionStage<Appended> append(RoomKey key, List<Entry> entries) {
            return CompletableFuture.completedFuture(Appended.WRITTEN);
        }

        @Override
        public CompletionStage<List<Recorded>> load(String org) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Void> forget(RoomKey key) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean records() {
            return false;
        }
    };
}
