package org.haven.server.room;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * A room's record in the journal: each event's write is sent at once (writes of one room are
 * pipelined on one connection, applied in order), and the event is delivered, in order, on the
 * room's executor once written. An entry that could not be recorded (the store is down or slow, the
 * record was out of step, another node serves the organisation) makes the next one start the record
 * again with the whole roster; a slow store delays delivery by at most {@code wait}, so rooms go on
 * without it. A change of configuration is an entry without an event; a session's end replaces the
 * record with the end alone, so the next node keeps the session ended.
 *
 * <p>Threading: confined to the room's executor, but for the completion of writes, which only mark
 * the step done and hand the delivery back to that executor.
 */
final class JournaledRoomSink implements RoomSink {

    /** How often a room's record renews its time-to-live and its place in the organisation's index. */
    static final long REFRESH_MILLIS = 60_000;
    /** After a write fails or is refused, none is tried for this long (events are still delivered in order). */
    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RoomJournal journal;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final long waitNanos;
    private volatile boolean outOfStep = true;
    /** When a write last failed or was refused (not serving). */
    private volatile long refusedAt = System.nanoTime() - RETRY_AFTER_NANOS;
    /** Whether a drain is on its way to the executor: completions that find one coming add none. */
    private final AtomicBoolean drainComing = new AtomicBoolean();
    /** Whether the slow-journal check is scheduled (one per room at a time, not one per event). */
    private boolean watching;

    private @Nullable String lastHeader;
    private RoomRecords.@Nullable Header lastHeaderKey;
    private long refreshedAt;
    /** Events written or being written, and replies, not yet delivered: in order. */
    private final ArrayDeque<Step> steps = new ArrayDeque<>();

    private final Runnable drain = this::drain;

    /** A write (null for a reply, always ready), when it was sent, and what to do once it is done. */
    private record Step(@Nullable CompletableFuture<Void> written, long sentAt, Runnable then) {}

    /**
     * Records in {@code journal}; delivers on {@code executor} (the room's own) once recorded, or
     * after {@code wait} when the journal is slow, checked on {@code timer}.
     */
    JournaledRoomSink(RoomJournal journal, Executor executor, ScheduledExecutorService timer, Duration wait) {
        this.journal = journal;
        this.executor = executor;
        this.timer = timer;
        this.waitNanos = wait.toNanos();
    }

    @Override
    public RoomJournal journal() {
        return journal;
    }

    @Override
    public void after(Runnable send) {
        if (steps.isEmpty()) {
            send.run();
        } else {
            steps.add(new Step(null, 0, send));
        }
    }

    @Override
    public void emit(Room room, ServerMessage.RoomEvent event, Outbound frame, Instant at, Delivery audience) {
        boolean end = room.state() == Sessions.State.ENDED;
        if (!end && resting()) {
            // The store just failed or refused (down, or another node serves the organisation): do
            // not build a whole-roster entry for every event meanwhile; deliver in order, try again later.
            after(() -> audience.send(frame));
            return;
        }
        write(room, entry(room, event, frame.text(), at, end), () -> audience.send(frame));
    }

    @Override
    public void stateChanged(Room room, Instant at) {
        if (resting()) {
            return; // the record starts again, header included, with the next event written
        }
        write(room, entry(room, null, null, at, false), () -> {});
    }

    private boolean resting() {
        return outOfStep && System.nanoTime() - refusedAt < RETRY_AFTER_NANOS;
    }

    /**
     * The entry for {@code event} (null: the configuration alone changed). A reset carries the whole
     * roster; an end carries none (the session is over: nobody to take up).
     */
    private RoomJournal.Entry entry(
            Room room, ServerMessage.@Nullable RoomEvent event, @Nullable String frame, Instant now, boolean end) {
        boolean reset = outOfStep || end;
        outOfStep = false;
        String header = header(room);
        Map<String, String> members = Map.of();
        List<String> gone = List.of();
        if (end) {
            members = Map.of();
        } else if (reset) {
            members = new HashMap<>();
            for (Room.RoomMember m : room.members()) {
                members.put(m.user.user(), RoomRecords.member(m.view()));
            }
        } else if (event instanceof ServerMessage.MemberLeft left) {
            gone = List.of(left.user());
        } else if (event != null
                && !(event instanceof ServerMessage.ChatMessage || event instanceof ServerMessage.RoomNotice)) {
            Room.RoomMember m = room.member(new UserRef(room.key.org(), changedUser(event)));
            if (m != null) {
                members = Map.of(m.user.user(), RoomRecords.member(m.view()));
            }
        }
        long at = now.toEpochMilli();
        boolean refresh = reset || at - refreshedAt >= REFRESH_MILLIS;
        if (refresh) {
            refreshedAt = at;
        }
        long seq = event == null ? room.seq() : event.seq();
        long prevSeq = event == null ? room.seq() : event.seq() - 1;
        return new RoomJournal.Entry(
                seq, prevSeq, at, frame, reset ? lastHeader : header, members, gone, reset, refresh);
    }

    /** Sends the write and queues {@code deliver} behind it (at once when nothing waits and it is done). */
    private void write(Room room, RoomJournal.Entry entry, Runnable deliver) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            journal.append(room.key, entry).whenComplete((appended, failure) -> {
                if (failure != null || appended == RoomJournal.Appended.NOT_SERVING) {
                    refusedAt = System.nanoTime();
                }
                if (failure != null || appended != RoomJournal.Appended.WRITTEN) {
                    outOfStep = true;
                }
                written.complete(null);
            });
        } catch (RuntimeException e) {
            refusedAt = System.nanoTime();
            outOfStep = true;
            written.complete(null);
        }
        if (steps.isEmpty() && written.isDone()) {
            deliver.run();
            return;
        }
        steps.add(new Step(written, System.nanoTime(), deliver));
        written.whenComplete((v, failure) -> {
            if (drainComing.compareAndSet(false, true)) {
                executor.execute(drain);
            }
        });
        watch();
    }

    /** Delivers, in order, every step whose write is done. Room executor only. */
    private void drain() {
        drainComing.set(false);
        Step step;
        while ((step = steps.peek()) != null
                && (step.written() == null || step.written().isDone())) {
            steps.poll();
            step.then().run();
        }
    }

    /** Makes sure the oldest waiting write is checked once the wait is over. Room executor only. */
    private void watch() {
        Step oldest = steps.peek();
        if (watching || oldest == null) {
            return;
        }
        watching = true;
        long due = Math.max(0, oldest.sentAt() + waitNanos - System.nanoTime());
        timer.schedule(() -> executor.execute(this::giveUpSlowWrites), due, TimeUnit.NANOSECONDS);
    }

    /**
     * Delivers the events whose write has taken longer than the wait, as if written: rooms go on
     * while the journal is slow, and the record starts again. Room executor only.
     */
    private void giveUpSlowWrites() {
        watching = false;
        long now = System.nanoTime();
        for (Step step : steps) {
            if (step.written() != null && !step.written().isDone() && now - step.sentAt() >= waitNanos) {
                outOfStep = true; // delivered without knowing it is recorded
                step.written().complete(null);
            }
        }
        drain();
        watch();
    }

    /** The room's header when it changed since the last entry, else null. */
    private @Nullable String header(Room room) {
        RoomRecords.Header key = room.header();
        if (lastHeader != null && key.equals(lastHeaderKey)) {
            return null;
        }
        String header = RoomRecords.write(key);
        lastHeaderKey = key;
        if (header.equals(lastHeader)) {
            return null;
        }
        lastHeader = header;
        return header;
    }

    /** The member an event other than a chat message, a notice or a leave is about. */
    private static String changedUser(ServerMessage.RoomEvent event) {
        if (event instanceof ServerMessage.MemberJoined e) {
            return e.member().user();
        } else if (event instanceof ServerMessage.PresenceChanged e) {
            return e.user();
        } else if (event instanceof ServerMessage.SteppedOut e) {
            return e.user();
        } else if (event instanceof ServerMessage.Returned e) {
            return e.user();
        }
        return "";
    }
}
