package org.haven.server.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;

/**
 * The live state of one room: kind and session state, members (each with the connections they
 * joined through and their role in the room), the waiting room, breakouts, and the sequence number
 * of its last event. Confined to the room's executor: never touched by two threads at once.
 */
final class Room {

    /** A member: one user, any number of their connections. */
    static final class RoomMember {
        final UserRef user;
        final Role role;
        final String name;
        final Sessions.RoomRole roomRole;
        PresenceStatus status;
        /** The breakout this member stepped out into, or null. */
        RoomKey breakout;
        final Set<Connection> connections = new LinkedHashSet<>();

        RoomMember(UserRef user, Role role, String name, Sessions.RoomRole roomRole, PresenceStatus status) {
            this.user = user;
            this.role = role;
            this.name = name;
            this.roomRole = roomRole;
            this.status = status;
        }

        Member view() {
            return new Member(user.user(), name, role, roomRole, status, breakout != null);
        }
    }

    final RoomKey key;
    final RoomKey parent;
    volatile Sessions.RoomKind kind;
    Sessions.State state = Sessions.State.LIVE;
    boolean requiresAdmission;
    Instant uncoveredSince;
    boolean pausedForCoverage;
    /** Users a facilitator removed: they may not come back into this session. */
    final Set<UserRef> removed = new LinkedHashSet<>();
    final Map<UserRef, RoomMember> members = new LinkedHashMap<>();
    final Map<UserRef, List<Participant>> waiting = new LinkedHashMap<>();
    final Set<RoomKey> breakouts = new LinkedHashSet<>();
    /** Recent events, oldest first, kept for the recovery window so a reconnecting client misses none. */
    private final java.util.ArrayDeque<Recorded> history = new java.util.ArrayDeque<>();
    private long seq;
    /**
     * Taken up from the journal after the node serving it stopped: the last number its earlier life
     * recorded and the first of this one. A client whose last number lies between saw events nobody
     * recorded: it is not recovered. -1 when this room did not start that way.
     */
    private long priorLast = -1;
    private long lifeStart;
    /** The room's record in the journal, or null when it has none (a single node, a breakout). */
    private Journaled journaled;

    /** One room event as sent, with when. */
    record Recorded(long seq, Outbound frame, Instant at) {}

    /** At most this many events are kept per room, whatever the recovery window. */
    static final int MAX_HISTORY = 2048;

    Room(RoomKey key, long firstSeq) {
        this(key, Sessions.RoomKind.GROUP, null, firstSeq);
    }

    /**
     * {@code firstSeq}: a room that empties is retired, and a later one of the same id starts
     * numbering above anything the earlier one used (the creation time in microseconds), so a
     * client's last sequence number from an earlier life can never be mistaken for one of this.
     */
    Room(RoomKey key, Sessions.RoomKind kind, RoomKey parent, long firstSeq) {
        this.key = key;
        this.kind = kind;
        this.parent = parent;
        this.seq = firstSeq;
        this.lifeStart = firstSeq;
    }

    /**
     * Records this room's events in {@code journal} from now on, each delivered once recorded (or
     * after {@code wait}, when the journal is slow, checked on {@code timer}) on {@code executor},
     * the room's own.
     */
    void journalTo(RoomJournal journal, java.util.concurrent.Executor executor,
            java.util.concurrent.ScheduledExecutorService timer, java.time.Duration wait) {
        journaled = new Journaled(journal, executor, timer, wait);
    }

    /** Whether this room records its events in a journal. */
    boolean journaled() {
        return journaled != null;
    }

    /** The journal this room records in, or null. */
    RoomJournal journal() {
        return journaled == null ? null : journaled.journal;
    }

    /**
     * Continues a room recorded by the node that served it before: its recent events (numbered
     * before this life's) become the start of the history, so a client that saw up to one of them
     * recovers the rest.
     */
    void takeUp(List<RoomJournal.Event> events) {
        for (RoomJournal.Event e : events) {
            history.addLast(new Recorded(e.seq(), new Outbound(e.frame().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    false), Instant.ofEpochMilli(e.at())));
        }
        priorLast = events.isEmpty() ? -1 : events.get(events.size() - 1).seq();
        if (priorLast >= seq) {
            // The earlier node's clock was ahead: this life still numbers above every recorded event.
            seq = priorLast + 1_000_000;
            lifeStart = seq;
        }
    }

    /**
     * Runs {@code send} after every event taken so far is delivered (at once when none waits for the
     * journal): a reply that follows an event never overtakes it.
     */
    void afterEvents(Runnable send) {
        if (journaled == null) {
            send.run();
        } else {
            journaled.after(this, send);
        }
    }

    long seq() {
        return seq;
    }

    /** Takes the next sequence number for a new event. */
    long nextSeq() {
        return ++seq;
    }

    boolean isEmpty() {
        return members.isEmpty() && waiting.isEmpty();
    }

    int size() {
        return members.size();
    }

    RoomMember member(UserRef user) {
        return members.get(user);
    }

    RoomMember add(Participant p, Sessions.RoomRole roomRole, PresenceStatus status) {
        return members.computeIfAbsent(p.user(), u -> new RoomMember(u, p.role(), p.name(), roomRole, status));
    }

    void remove(UserRef user) {
        members.remove(user);
    }

    boolean contains(Connection connection, UserRef user) {
        RoomMember m = members.get(user);
        return m != null && m.connections.contains(connection);
    }

    /** Whether any member facilitates this room (a clinician is present). */
    boolean hasFacilitator() {
        for (RoomMember m : members.values()) {
            if (m.roomRole.facilitates() && m.breakout == null && !m.connections.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any member of the room is a facilitator or co-facilitator (present or stepped out). */
    boolean hasFacilitatorMember() {
        for (RoomMember m : members.values()) {
            if (m.roomRole.facilitates()) {
                return true;
            }
        }
        return false;
    }

    /** The first client present in the room (not stepped out), or null. */
    RoomMember firstParticipant() {
        for (RoomMember m : members.values()) {
            if (m.roomRole == Sessions.RoomRole.PARTICIPANT && m.breakout == null && !m.connections.isEmpty()) {
                return m;
            }
        }
        return null;
    }

    List<Member> roster() {
        List<Member> out = new ArrayList<>(members.size());
        for (RoomMember m : members.values()) {
            out.add(m.view());
        }
        return out;
    }

    List<Member> waitingList() {
        List<Member> out = new ArrayList<>();
        for (List<Participant> ps : waiting.values()) {
            Participant p = ps.get(0);
            out.add(new Member(p.user().user(), p.name(), p.role(), Sessions.RoomRole.PARTICIPANT, PresenceStatus.AVAILABLE,
                    false));
        }
        return out;
    }

    /**
     * Sends a room event to every connection present and keeps it for recovery. {@code event.seq()}
     * must be the number just taken with {@link #nextSeq()}. A journaled room records the event first
     * and delivers it once recorded, to the connections present now: whatever any client received,
     * the next node to serve the room can recover.
     */
    void event(org.haven.protocol.ServerMessage.RoomEvent event, Instant now, java.time.Duration window) {
        Outbound frame = Outbound.of(event);
        history.addLast(new Recorded(event.seq(), frame, now));
        Instant oldest = now.minus(window);
        while (!history.isEmpty() && (history.size() > MAX_HISTORY || history.peekFirst().at().isBefore(oldest))) {
            history.removeFirst();
        }
        if (journaled == null) {
            broadcast(frame, null);
        } else {
            journaled.record(this, event, frame, now);
        }
    }

    /**
     * The events after {@code lastSeq}, in order, when every one of them is still kept; null when
     * some are gone (or {@code lastSeq} is from another life of this room).
     */
    List<Outbound> since(long lastSeq) {
        if (lastSeq > seq || lastSeq < 0 || lastSeq > priorLast && lastSeq < lifeStart) {
            return null;
        }
        if (lastSeq == seq) {
            return List.of();
        }
        if (history.isEmpty() || history.peekFirst().seq() > lastSeq + 1) {
            return null;
        }
        List<Outbound> out = new ArrayList<>();
        for (Recorded r : history) {
            if (r.seq() > lastSeq) {
                out.add(r.frame());
            }
        }
        return out;
    }

    /**
     * Sends one encoded frame to every connection present in the room: members who stepped out
     * into a breakout hear nothing of the group until they return. Connections sharing a route
     * (another node's) get it through the route, once per route.
     */
    void broadcast(Outbound frame, Connection skip) {
        present(skip).send(frame);
    }

    /** The connections present in the room now (but {@code skip}), those of other nodes by route. */
    private Delivery present(Connection skip) {
        List<Connection> direct = new ArrayList<>();
        Map<org.haven.server.connection.SharedRoute, List<String>> routed = null;
        for (RoomMember m : members.values()) {
            if (m.breakout != null) {
                continue;
            }
            for (Connection c : m.connections) {
                if (c == skip) {
                    continue;
                }
                org.haven.server.connection.SharedRoute route = c.route();
                if (route == null) {
                    direct.add(c);
                } else {
                    if (routed == null) {
                        routed = new java.util.HashMap<>();
                    }
                    routed.computeIfAbsent(route, r -> new ArrayList<>()).add(c.id());
                }
            }
        }
        return new Delivery(direct, routed);
    }

    /** Where one frame goes: connections here, and the ids of those on each other node's route. */
    private record Delivery(List<Connection> direct, Map<org.haven.server.connection.SharedRoute, List<String>> routed) {
        void send(Outbound frame) {
            for (Connection c : direct) {
                c.send(frame);
            }
            if (routed != null) {
                // Members on another node: the frame travels there once, with the list of them.
                routed.forEach((route, ids) -> route.sendAll(frame, ids));
            }
        }
    }

    /**
     * A room's record in the journal: each event's write is sent at once (writes of one room are
     * pipelined on one connection, applied in order), and the event is delivered, in order, on the
     * room's executor once written. An entry that could not be recorded (the store is down or slow,
     * the record was out of step, another node serves the organisation) makes the next one start the
     * record again with the whole roster; a slow store delays delivery by at most {@code wait}, so
     * rooms go on without it. Confined to the room's executor, but for {@code outOfStep}.
     */
    private static final class Journaled {
        /** How often a room's record renews its time-to-live and its place in the organisation's index. */
        static final long REFRESH_MILLIS = 60_000;

        final RoomJournal journal;
        final java.util.concurrent.Executor executor;
        final java.util.concurrent.ScheduledExecutorService timer;
        final long waitNanos;
        volatile boolean outOfStep = true;
        /** When a write last failed or was refused (not serving); none is tried for a second after. */
        private volatile long refusedAt = System.nanoTime() - RETRY_AFTER_NANOS;
        static final long RETRY_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        /** Whether a drain is on its way to the executor: completions that find one coming add none. */
        private final java.util.concurrent.atomic.AtomicBoolean drainComing = new java.util.concurrent.atomic.AtomicBoolean();
        /** Whether the slow-journal check is scheduled (one per room at a time, not one per event). */
        private boolean watching;
        private String lastHeader;
        private List<Object> lastHeaderKey;
        private long refreshedAt;
        /** Events written or being written, and replies, not yet delivered: in order. */
        private final java.util.ArrayDeque<Step> steps = new java.util.ArrayDeque<>();
        private final Runnable drain = this::drain;

        /** A write (null for a reply, always ready), when it was sent, and what to do once it is done. */
        private record Step(java.util.concurrent.CompletableFuture<Void> written, long sentAt, Runnable then) {}

        Journaled(RoomJournal journal, java.util.concurrent.Executor executor,
                java.util.concurrent.ScheduledExecutorService timer, java.time.Duration wait) {
            this.journal = journal;
            this.executor = executor;
            this.timer = timer;
            this.waitNanos = wait.toNanos();
        }

        /** Runs {@code send} once every event taken before it is delivered. */
        void after(Room room, Runnable send) {
            if (steps.isEmpty()) {
                send.run();
            } else {
                steps.add(new Step(null, 0, send));
            }
        }

        void record(Room room, org.haven.protocol.ServerMessage.RoomEvent event, Outbound frame, Instant now) {
            Delivery delivery = room.present(null);
            if (outOfStep && System.nanoTime() - refusedAt < RETRY_AFTER_NANOS) {
                // The store just failed or refused (down, or another node serves the organisation): do
                // not build a whole-roster entry for every event meanwhile; deliver in order, try again later.
                after(room, () -> delivery.send(frame));
                return;
            }
            boolean reset = outOfStep;
            outOfStep = false;
            String header = header(room);
            Map<String, String> members;
            List<String> gone = List.of();
            if (reset) {
                members = new java.util.HashMap<>();
                for (RoomMember m : room.members.values()) {
                    members.put(m.user.user(), RoomRecords.member(m.view()));
                }
            } else {
                members = Map.of();
                if (event instanceof org.haven.protocol.ServerMessage.MemberLeft left) {
                    gone = List.of(left.user());
                } else if (!(event instanceof org.haven.protocol.ServerMessage.ChatMessage)) {
                    RoomMember m = room.members.get(new UserRef(room.key.org(), changedUser(event)));
                    if (m != null) {
                        members = Map.of(m.user.user(), RoomRecords.member(m.view()));
                    }
                }
            }
            long at = now.toEpochMilli();
            boolean refresh = reset || at - refreshedAt >= REFRESH_MILLIS;
            if (refresh) {
                refreshedAt = at;
            }
            RoomJournal.Entry entry = new RoomJournal.Entry(event.seq(), event.seq() - 1, at, frame.text(),
                    reset ? lastHeader : header, members, gone, reset, refresh);
            java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
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
                delivery.send(frame);
                return;
            }
            steps.add(new Step(written, System.nanoTime(), () -> delivery.send(frame)));
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
            while ((step = steps.peek()) != null && (step.written() == null || step.written().isDone())) {
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
            timer.schedule(() -> executor.execute(this::giveUpSlowWrites), due, java.util.concurrent.TimeUnit.NANOSECONDS);
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
        private String header(Room room) {
            List<Object> key = List.of(room.kind, room.state, room.requiresAdmission, room.pausedForCoverage,
                    room.removed.size());
            if (lastHeader != null && key.equals(lastHeaderKey)) {
                return null;
            }
            String header = RoomRecords.header(room);
            lastHeaderKey = key;
            if (header.equals(lastHeader)) {
                return null;
            }
            lastHeader = header;
            return header;
        }

        /** The member an event other than a chat message or a leave is about. */
        private static String changedUser(org.haven.protocol.ServerMessage.RoomEvent event) {
            if (event instanceof org.haven.protocol.ServerMessage.MemberJoined e) {
                return e.member().user();
            } else if (event instanceof org.haven.protocol.ServerMessage.PresenceChanged e) {
                return e.user();
            } else if (event instanceof org.haven.protocol.ServerMessage.SteppedOut e) {
                return e.user();
            } else if (event instanceof org.haven.protocol.ServerMessage.Returned e) {
                return e.user();
            }
            return "";
        }
    }

    /** Sends a frame to the members who facilitate the room. */
    void toFacilitators(Outbound frame) {
        for (RoomMember m : members.values()) {
            if (m.roomRole.facilitates() && m.breakout == null) {
                for (Connection c : m.connections) {
                    c.send(frame);
                }
            }
        }
    }
}
