package org.haven.server.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RoomJournal} in this process's memory, fenced (written only while its {@link Fence} says
 * this node serves the organisation: in a cluster, while it holds the organisation's lease). Shared
 * by the nodes of one process (tests); records do not expire. Thread-safe.
 *
 * <p>Threading: any thread (one lock over the records it shares).
 */
public final class InMemoryRoomJournal implements RoomJournal {

    /** Whether the writing node serves an organisation now. */
    @FunctionalInterface
    public interface Fence {
        CompletionStage<Boolean> serving(String org);
    }

    private static final class Room {
        /** Set by the reset that starts the record (a reset always carries the header). */
        @Nullable
        String header;

        long last;
        final Map<String, String> members = new LinkedHashMap<>();
        final ArrayDeque<Event> events = new ArrayDeque<>();
    }

    private final Map<RoomKey, Room> shared;
    private final Fence fence;
    private final int maxEvents;

    /** A journal written by the node {@code fence} speaks for, keeping at most {@code maxEvents} events per room. */
    public InMemoryRoomJournal(Fence fence, int maxEvents) {
        this(new HashMap<>(), fence, maxEvents);
    }

    private InMemoryRoomJournal(Map<RoomKey, Room> shared, Fence fence, int maxEvents) {
        this.fence = Objects.requireNonNull(fence, "fence");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: > 0)");
        }
        this.maxEvents = maxEvents;
        this.shared = shared;
    }

    /** The same records, written by the node {@code other} speaks for (another node of this process). */
    public InMemoryRoomJournal as(Fence other) {
        return new InMemoryRoomJournal(shared, other, maxEvents);
    }

    @Override
    public CompletionStage<Appended> append(RoomKey key, List<Entry> entries) {
        return fence.serving(key.org()).thenApply(serving -> {
            if (!serving) {
                return Appended.NOT_SERVING;
            }
            synchronized (shared) {
                for (Entry entry : entries) {
                    if (appendOne(key, entry) != Appended.WRITTEN) {
                        return Appended.OUT_OF_STEP;
                    }
                }
                return Appended.WRITTEN;
            }
        });
    }

    /** One entry; the caller holds the lock. */
    private Appended appendOne(RoomKey key, Entry entry) {
        Room room = shared.get(key);
        if (entry.reset()) {
            room = new Room();
            shared.put(key, room);
        } else if (room == null || room.last != entry.prevSeq()) {
            shared.remove(key);
            return Appended.OUT_OF_STEP;
        }
        room.last = entry.seq();
        if (entry.frame() != null) {
            room.events.addLast(new Event(entry.seq(), entry.at(), entry.frame()));
            while (room.events.size() > maxEvents) {
                room.events.removeFirst();
            }
        }
        if (entry.header() != null) {
            room.header = entry.header();
        }
        room.members.putAll(entry.members());
        entry.gone().forEach(room.members::remove);
        return Appended.WRITTEN;
    }

    @Override
    public CompletionStage<List<Recorded>> load(String org) {
        return fence.serving(org).thenApply(serving -> {
            List<Recorded> out = new ArrayList<>();
            synchronized (shared) {
                shared.forEach((key, room) -> {
                    String header = room.header;
                    if (key.org().equals(org) && header != null) { // as in Redis: a record with no header is skipped
                        out.add(new Recorded(key.room(), header, room.members, new ArrayList<>(room.events)));
                    }
                });
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Void> forget(RoomKey key) {
        return fence.serving(key.org()).thenAccept(serving -> {
            if (serving) {
                synchronized (shared) {
                    shared.remove(key);
                }
            }
        });
    }
}
