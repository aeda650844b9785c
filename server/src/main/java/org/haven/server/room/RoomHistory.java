package org.haven.server.room;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.haven.server.connection.Outbound;
import org.jspecify.annotations.Nullable;

/**
 * A room's sequence numbers and its recent events, kept for the recovery window so a reconnecting
 * client misses none. Confined to the room's executor.
 *
 * <p>Threading: the room's executor only.
 */
final class RoomHistory {

    /** At most this many events are kept per room, whatever the recovery window. */
    static final int MAX_EVENTS = 2048;

    /** One room event as sent, with when. */
    private record Recorded(long seq, Outbound frame, Instant at) {}

    private final ArrayDeque<Recorded> events = new ArrayDeque<>();
    private final Duration window;
    private long seq;
    /**
     * Taken up from the journal after the node serving it stopped: the last number its earlier life
     * recorded and the first of this one. A client whose last number lies between saw events nobody
     * recorded: it is not recovered. -1 when this room did not start that way.
     */
    private long priorLast = -1;

    private long lifeStart;

    /**
     * {@code firstSeq}: a room that empties is retired, and a later one of the same id starts
     * numbering above anything the earlier one used, so a client's last sequence number from an
     * earlier life can never be mistaken for one of this.
     */
    RoomHistory(long firstSeq, Duration window) {
        this.seq = firstSeq;
        this.lifeStart = firstSeq;
        this.window = window;
    }

    long seq() {
        return seq;
    }

    /** Takes the next sequence number for a new event. */
    long next() {
        return ++seq;
    }

    /** Keeps an event (numbered with {@link #next()}), dropping those past the window. */
    void add(long eventSeq, Outbound frame, Instant now) {
        events.addLast(new Recorded(eventSeq, frame, now));
        Instant oldest = now.minus(window);
        while (!events.isEmpty()
                && (events.size() > MAX_EVENTS || events.peekFirst().at().isBefore(oldest))) {
            events.removeFirst();
        }
    }

    /**
     * Continues a room recorded by the node that served it before: its recent events (numbered
     * before this life's) become the start of the history, so a client that saw up to one of them
     * recovers the rest.
     */
    void takeUp(List<RoomJournal.Event> recorded) {
        for (RoomJournal.Event e : recorded) {
            events.addLast(new Recorded(
                    e.seq(),
                    new Outbound(e.frame().getBytes(StandardCharsets.UTF_8), false),
                    Instant.ofEpochMilli(e.at())));
        }
        priorLast = recorded.isEmpty() ? -1 : recorded.get(recorded.size() - 1).seq();
        if (priorLast >= seq) {
            // The earlier node's clock was ahead: this life still numbers above every recorded event.
            seq = priorLast + 1_000_000;
            lifeStart = seq;
        }
    }

    /**
     * The events after {@code lastSeq}, in order, when every one of them is still kept; null when
     * some are gone (or {@code lastSeq} is from another life of this room).
     */
    @Nullable
    List<Outbound> since(long lastSeq) {
        return since(lastSeq, Long.MAX_VALUE);
    }

    /** As {@link #since(long)}, only the events numbered below {@code before}. */
    @Nullable
    List<Outbound> since(long lastSeq, long before) {
        if (lastSeq > seq || lastSeq < 0 || lastSeq > priorLast && lastSeq < lifeStart) {
            return null;
        }
        if (lastSeq == seq || lastSeq >= before - 1) {
            return List.of();
        }
        if (events.isEmpty() || events.peekFirst().seq() > lastSeq + 1) {
            return null;
        }
        List<Outbound> out = new ArrayList<>();
        for (Recorded r : events) {
            if (r.seq() > lastSeq && r.seq() < before) {
                out.add(r.frame());
            }
        }
        return out;
    }
}
