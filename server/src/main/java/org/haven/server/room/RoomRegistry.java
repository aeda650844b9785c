package org.haven.server.room;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.protocol.Sessions;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this node, and the only writer of what is kept about them beside each room's own
 * state: the map of live rooms, the rooms of each user, the hold on sessions ended recently, and
 * where each new room's numbering starts. A room is opened here (journaled when the node records
 * its rooms), retired here when it empties (its record then dropped), and closed here when its
 * session ends (its record then kept, ended, so the end holds on the next node).
 *
 * <p>Threading: the maps are concurrent; a room is opened, retired or closed on its own executor.
 */
final class RoomRegistry implements Room.Membership {

    private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

    /** How long an ended session's room stays closed. */
    static final Duration ENDED_HOLD = Duration.ofMinutes(10);
    /** How long an event waits for the journal before it is delivered anyway. */
    static final Duration JOURNAL_WAIT = Duration.ofMillis(250);

    private final Map<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private final Map<UserRef, Set<RoomKey>> roomsOfUser = new ConcurrentHashMap<>();
    /** Sessions ended recently: their rooms stay closed for a while, so an end holds. */
    private final Map<RoomKey, Instant> ended = new ConcurrentHashMap<>();

    private final AtomicLong lastFirstSeq = new AtomicLong();
    private final RoomExecutors executors;
    private final Clock clock;
    private final Duration recoveryWindow;
    private final RoomJournal journal;
    private final ScheduledExecutorService timer;

    RoomRegistry(
            RoomExecutors executors,
            Clock clock,
            Duration recoveryWindow,
            RoomJournal journal,
            ScheduledExecutorService timer) {
        this.executors = executors;
        this.clock = clock;
        this.recoveryWindow = recoveryWindow;
        this.journal = journal;
        this.timer = timer;
    }

    Clock clock() {
        return clock;
    }

    /** Whether rooms are recorded for the next node to serve their organisation. */
    boolean records() {
        return journal.records();
    }

    RoomJournal journal() {
        return journal;
    }

    @Nullable
    Room get(RoomKey key) {
        return rooms.get(key);
    }

    /** The keys of every live room (a copy). */
    List<RoomKey> keys() {
        return List.copyOf(rooms.keySet());
    }

    int count() {
        return rooms.size();
    }

    /** The kind of a live room; a room not yet open is a group. Any thread. */
    Sessions.RoomKind kindOf(RoomKey key) {
        Room room = rooms.get(key);
        return room == null ? Sessions.RoomKind.GROUP : room.kind();
    }

    /** The rooms {@code user} is a member of on this node (a copy). */
    Set<RoomKey> roomsOf(UserRef user) {
        Set<RoomKey> keys = roomsOfUser.get(user);
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    /** The group room {@code key}, opened (journaled when rooms are recorded) if it is not live. Room thread. */
    Room open(RoomKey key) {
        return rooms.computeIfAbsent(key, k -> group(k, Sessions.RoomKind.GROUP));
    }

    /** A group room not yet live, for a room taken up from the journal: live once {@link #add added}. */
    Room group(RoomKey key, Sessions.RoomKind kind) {
        RoomSink sink = journal.records() && !key.isBreakout()
                ? new JournaledRoomSink(journal, task -> executors.execute(key, task), timer, JOURNAL_WAIT)
                : RoomSink.DIRECT;
        return new Room(key, kind, null, firstSeq(), recoveryWindow, sink, this, clock);
    }

    /** Makes a room taken up live; false (and nothing changes) when one of that id already is. */
    boolean add(Room room) {
        return rooms.putIfAbsent(room.key, room) == null;
    }

    /** Opens a new private breakout of {@code group} (never recorded: it is not taken up). Group's thread. */
    Room openBreakout(Room group) {
        RoomKey key = new RoomKey(
                group.key.org(),
                group.key.room() + RoomKey.BREAKOUT_SEPARATOR + "b-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
        Room breakout = new Room(
                key, Sessions.RoomKind.BREAKOUT, group.key, firstSeq(), recoveryWindow, RoomSink.DIRECT, this, clock);
        rooms.put(key, breakout);
        group.addBreakout(key);
        return breakout;
    }

    /** Ends a breakout: it is gone, and its group may retire if nobody is left. Group's thread. */
    void closeBreakout(Room breakout) {
        rooms.remove(breakout.key, breakout);
        Room group = rooms.get(breakout.parent);
        if (group != null) {
            group.dropBreakout(breakout.key);
            retireIfEmpty(group);
        }
    }

    /** A room nobody is in any more is gone, and its record dropped: the next of this id starts afresh. */
    void retireIfEmpty(Room room) {
        if (room.isEmpty() && room.breakouts().isEmpty() && rooms.remove(room.key, room) && room.journaled()) {
            // Sent after the room's last entries, and before a next room's first, on the same
            // connection: applied in that order.
            journal.forget(room.key).whenComplete((v, failure) -> {
                if (failure != null) {
                    log.debug(
                            "room record not dropped room={} ({})",
                            room.key,
                            failure.getClass().getSimpleName());
                }
            });
        }
    }

    /**
     * A room whose session just ended is gone, and held closed for {@link #ENDED_HOLD}. Its record
     * (the end alone) stays, so a node taking the organisation up holds it closed too.
     */
    void closeEnded(Room room) {
        rooms.remove(room.key, room);
        ended.put(room.key, clock.instant());
    }

    /** A session recorded as ended at {@code at} (taken up from the journal) is held closed until its hold is over. */
    void endedAt(RoomKey key, Instant at) {
        ended.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Whether the session of {@code key} ended less than {@link #ENDED_HOLD} ago. */
    boolean recentlyEnded(RoomKey key) {
        Instant at = ended.get(key);
        if (at == null) {
            return false;
        }
        if (clock.instant().isAfter(at.plus(ENDED_HOLD))) {
            ended.remove(key, at);
            return false;
        }
        return true;
    }

    /** Where a new room's sequence starts: above every number an earlier room of the same id used. */
    private long firstSeq() {
        return Math.max(lastFirstSeq.updateAndGet(prev -> Math.max(prev + 1_000_000, clock.millis() * 1000)), 0);
    }

    @Override
    public void joined(UserRef user, RoomKey room) {
        roomsOfUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
    }

    @Override
    public void left(UserRef user, RoomKey room) {
        roomsOfUser.computeIfPresent(user, (u, keys) -> {
            keys.remove(room);
            return keys.isEmpty() ? null : keys;
        });
    }
}
