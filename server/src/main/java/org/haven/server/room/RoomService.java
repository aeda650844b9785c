package org.haven.server.room;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms: join (or wait to be admitted) with a snapshot, leave, group chat, presence within a room.
 * Every operation on a room runs on that room's executor ({@link RoomExecutors}; a breakout shares
 * its group's), so each room's events carry consecutive sequence numbers and reach every member in
 * that order. Replies to the requester are sent from the same thread, so a joiner's snapshot
 * precedes every event after it. Session control (pause, breakouts, admission…) is
 * {@link SessionControl}, on the same rooms.
 *
 * <p>Authorization by grant is checked by the caller before a request gets here; this class checks
 * membership and roles in the room.
 */
public final class RoomService {

    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    final RoomExecutors executors;
    final Clock clock;
    final IceServers iceServers;
    private final int maxMembersPerRoom;
    final Map<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private final Map<UserRef, Set<RoomKey>> roomsOfUser = new ConcurrentHashMap<>();

    final java.time.Duration recoveryWindow;

    /** The journal rooms are recorded in, for the next node to serve their organisation. */
    private final RoomJournal journal;
    private final java.util.concurrent.ScheduledExecutorService timer;
    /** Organisations whose recorded rooms are being taken up. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> restoring = new ConcurrentHashMap<>();

    /** How long an event waits for the journal before it is delivered anyway. */
    static final java.time.Duration JOURNAL_WAIT = java.time.Duration.ofMillis(250);
    /** How long members of a room taken up from the journal have to come back before they are announced gone. */
    static final java.time.Duration RETURN_AFTER_TAKE_UP = java.time.Duration.ofSeconds(3);

    public RoomService(RoomExecutors executors, Clock clock, int maxMembersPerRoom, IceServers iceServers,
            java.time.Duration recoveryWindow, RoomJournal journal, java.util.concurrent.ScheduledExecutorService timer) {
        this.journal = java.util.Objects.requireNonNull(journal, "journal");
        this.timer = java.util.Objects.requireNonNull(timer, "timer");
        this.recoveryWindow = recoveryWindow;
        this.executors = executors;
        this.clock = clock;
        this.maxMembersPerRoom = maxMembersPerRoom;
        this.iceServers = iceServers;
    }

    /** The kind of a live room; a room not yet open is a group. */
    public Sessions.RoomKind kindOf(RoomKey key) {
        Room room = rooms.get(key);
        return room == null ? Sessions.RoomKind.GROUP : room.kind;
    }

    /** Sessions ended recently: their rooms stay closed for a while, so an end holds. */
    final Map<RoomKey, java.time.Instant> ended = new ConcurrentHashMap<>();

    /** How long an ended session's room stays closed. */
    static final java.time.Duration ENDED_HOLD = java.time.Duration.ofMinutes(10);

    boolean recentlyEnded(RoomKey key) {
        java.time.Instant at = ended.get(key);
        if (at == null) {
            return false;
        }
        if (clock.instant().isAfter(at.plus(ENDED_HOLD))) {
            ended.remove(key, at);
            return false;
        }
        return true;
    }

    /** Number of rooms with at least one member on this node. */
    public int roomCount() {
        return rooms.size();
    }

    /**
     * Joins {@code p} to {@code key}, showing {@code status}; answers the request {@code re} with a
     * {@link Result.RoomSnapshot} (or {@link Result.Waiting} when the room requires admission) and
     * tells the other members when the user is new to the room. {@code onRefused} runs when the join
     * is refused.
     */
    public void join(Participant p, RoomKey key, PresenceStatus status, String re, Runnable onRefused) {
        onRoom(key, p, re, () -> {
            if (key.isBreakout()) {
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.FORBIDDEN, "breakouts are entered by a facilitator's move"));
                return;
            }
            if (recentlyEnded(key)) {
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.SESSION_ENDED, "this session has ended"));
                return;
            }
            Room room = rooms.computeIfAbsent(key, this::newRoom);
            Room.RoomMember member = room.member(p.user());
            if (member != null && member.connections.contains(p.connection())) {
                reply(p.connection(), error(re, ErrorCode.ALREADY_JOINED, "already joined on this connection"));
                return;
            }
            if (room.removed.contains(p.user())) {
                retireIfEmpty(room);
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.FORBIDDEN, "a facilitator removed you from this session"));
                return;
            }
            Sessions.RoomRole roomRole = roleFor(room, p);
            if (roomRole == null) {
                retireIfEmpty(room);
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.FORBIDDEN, "support members join family sessions only"));
                return;
            }
            if (member == null && room.size() >= maxMembersPerRoom) {
                retireIfEmpty(room);
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.LIMIT_REACHED,
                        "the room is full (" + maxMembersPerRoom + " members)"));
                return;
            }
            if (member == null && room.requiresAdmission
                    && (roomRole == Sessions.RoomRole.PARTICIPANT || roomRole == Sessions.RoomRole.SUPPORT)) {
                room.waiting.computeIfAbsent(p.user(), u -> new java.util.ArrayList<>()).add(p);
                reply(p.connection(), new ServerMessage.Ok(re, new Result.Waiting(key.room())));
                room.toFacilitators(Outbound.of(new ServerMessage.WaitingList(key.room(), room.waitingList())));
                return;
            }
            admit(room, p, roomRole, status);
            reply(p.connection(), new ServerMessage.Ok(re, snapshot(room, p.user())));
        });
    }

    /** A new group room (of its first member), recorded in the journal when there is one. */
    private Room newRoom(RoomKey key) {
        Room room = new Room(key, firstSeq());
        if (journal.records() && !key.isBreakout()) {
            room.journalTo(journal, task -> executors.execute(key, task), timer, JOURNAL_WAIT);
        }
        return room;
    }

    /** Where a new room's sequence starts: above every number an earlier room of the same id used. */
    long firstSeq() {
        return Math.max(lastFirstSeq.updateAndGet(prev -> Math.max(prev + 1_000_000, clock.millis() * 1000)), 0);
    }

    private final java.util.concurrent.atomic.AtomicLong lastFirstSeq = new java.util.concurrent.atomic.AtomicLong();

    /** Adds a participant's connection as a member, telling the others when the user is new. Room thread only. */
    void admit(Room room, Participant p, Sessions.RoomRole roomRole, PresenceStatus status) {
        Room.RoomMember member = room.member(p.user());
        if (member == null) {
            member = room.add(p, roomRole, status);
            roomsOfUser.computeIfAbsent(p.user(), u -> ConcurrentHashMap.newKeySet()).add(room.key);
            room.event(new ServerMessage.MemberJoined(room.key.room(), room.nextSeq(), member.view()), clock.instant(), recoveryWindow);
        }
        member.connections.add(p.connection());
        if (room.pausedForCoverage && member.roomRole.facilitates()) {
            room.pausedForCoverage = false;
            room.uncoveredSince = null;
            room.state = Sessions.State.LIVE;
            room.event(new ServerMessage.SessionStateChanged(room.key.room(), room.nextSeq(), Sessions.State.LIVE,
                    "facilitator present"), clock.instant(), recoveryWindow);
        }
    }

    /** The room as {@code user} sees it on joining. Room thread only. */
    Result.RoomSnapshot snapshot(Room room, UserRef user) {
        return new Result.RoomSnapshot(room.key.room(), room.seq(), room.kind, room.state,
                room.parent == null ? null : room.parent.room(), room.roster(), iceServers.forUser(user.user()));
    }

    static Sessions.RoomRole roleFor(Room room, Participant p) {
        return switch (p.role()) {
            case CLINICIAN -> room.hasFacilitatorMember() ? Sessions.RoomRole.CO_FACILITATOR
                    : Sessions.RoomRole.FACILITATOR;
            case CLIENT -> Sessions.RoomRole.PARTICIPANT;
            case SUPPORT -> room.kind == Sessions.RoomKind.FAMILY ? Sessions.RoomRole.SUPPORT : null;
            case SUPERVISOR -> Sessions.RoomRole.OBSERVER;
        };
    }

    /**
     * Removes the connection of {@code p} from {@code key} (and from a breakout it stepped out into,
     * or the waiting room); the others see the user leave when it was their last connection in the
     * room. With {@code re} null (a closed connection) nothing is answered.
     */
    public void leave(Participant p, RoomKey key, String re) {
        onRoom(key, p, re, () -> {
            Room room = rooms.get(key);
            if (room != null && removeWaiting(room, p)) {
                if (re != null) {
                    reply(p.connection(), new ServerMessage.Ok(re, null));
                }
                retireIfEmpty(room);
                return;
            }
            if (room == null || !room.contains(p.connection(), p.user())) {
                if (re != null) {
                    reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "not a member of this room"));
                }
                return;
            }
            Room.RoomMember member = room.member(p.user());
            if (member.breakout != null) {
                Room breakout = rooms.get(member.breakout);
                if (breakout != null) {
                    detach(breakout, p.user(), p.connection());
                }
            }
            detach(room, p.user(), p.connection());
            if (re != null) {
                reply(p.connection(), new ServerMessage.Ok(re, null));
            }
        });
    }

    /** Takes one connection out of a room, announcing the leave when it was the user's last. Room thread only. */
    void detach(Room room, UserRef user, Connection connection) {
        Room.RoomMember member = room.member(user);
        if (member == null) {
            return;
        }
        member.connections.remove(connection);
        if (member.connections.isEmpty()) {
            room.remove(user);
            Set<RoomKey> keys = roomsOfUser.get(user);
            if (keys != null) {
                keys.remove(room.key);
                roomsOfUser.computeIfPresent(user, (u, s) -> s.isEmpty() ? null : s);
            }
            room.event(new ServerMessage.MemberLeft(room.key.room(), room.nextSeq(), user.user()), clock.instant(), recoveryWindow);
        }
        retireIfEmpty(room);
    }

    private boolean removeWaiting(Room room, Participant p) {
        List<Participant> waiting = room.waiting.get(p.user());
        if (waiting == null || !waiting.removeIf(w -> w.connection() == p.connection())) {
            return false;
        }
        if (waiting.isEmpty()) {
            room.waiting.remove(p.user());
        }
        room.toFacilitators(Outbound.of(new ServerMessage.WaitingList(room.key.room(), room.waitingList())));
        return true;
    }

    /** Posts {@code text} to the room's group chat; every connection present receives it in order. */
    public void chat(Participant p, RoomKey key, String text, String re) {
        onRoom(key, p, re, () -> {
            Room room = rooms.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "join the room before posting"));
                return;
            }
            Room.RoomMember member = room.member(p.user());
            if (member.breakout != null) {
                reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "you are in a breakout; post there"));
                return;
            }
            if (room.state == Sessions.State.PAUSED && !member.roomRole.facilitates()) {
                reply(p.connection(), error(re, ErrorCode.SESSION_PAUSED, "the session is paused"));
                return;
            }
            long seq = room.nextSeq();
            room.event(new ServerMessage.ChatMessage(key.room(), seq, p.user().user(), p.name(), text,
                    clock.instant()), clock.instant(), recoveryWindow);
            // Told "sent" once the message is delivered (recorded first, when the room is journaled).
            room.afterEvents(() -> reply(p.connection(), new ServerMessage.Ok(re, new Result.ChatSent(key.room(), seq))));
        });
    }

    /** Answers with the presence of every member of a room the caller has joined. */
    public void presence(Participant p, RoomKey key, String re) {
        onRoom(key, p, re, () -> {
            Room room = rooms.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "presence is shown to members only"));
                return;
            }
            reply(p.connection(), new ServerMessage.Ok(re, new Result.PresenceList(key.room(), room.roster())));
        });
    }

    /**
     * A reconnecting client takes up its place in {@code key} again. When the connection it lost is
     * still a member (it came back within the grace period) the new one simply replaces it, and
     * nobody sees a leave or a join. Then, when every event after {@code lastSeq} is still kept, the
     * client receives {@code room.resumed} (recovered) and each of those events once, in order;
     * otherwise {@code room.resumed} (not recovered) with a fresh snapshot. Never a silent gap.
     */
    public void resume(Participant p, RoomKey key, long lastSeq, Connection lost, PresenceStatus status) {
        onRoom(key, p, null, () -> {
            Room room = rooms.get(key);
            if (recentlyEnded(key) || (room != null && room.removed.contains(p.user()))) {
                // The session ended, or the user was removed, while they were away: nothing to resume.
                reply(p.connection(), new ServerMessage.RoomResumed(key.room(), false, null, null));
                return;
            }
            if (room == null) {
                room = rooms.computeIfAbsent(key, this::newRoom);
            }
            Room.RoomMember member = room.member(p.user());
            if (member != null && lost != null && member.connections.remove(lost)) {
                member.connections.add(p.connection());
            } else if (member == null || !member.connections.contains(p.connection())) {
                Sessions.RoomRole roomRole = roleFor(room, p);
                admit(room, p, roomRole == null ? Sessions.RoomRole.PARTICIPANT : roomRole, status);
                member = room.member(p.user());
            }
            replay(room, p, lastSeq);
            if (member != null && member.breakout != null) {
                rejoinBreakout(room, member, p, lost);
            }
        });
    }

    /**
     * Takes up the recorded rooms of {@code org}, which this node has just begun to serve (the node
     * that served it stopped): each room comes back with its session state, its recent events (so
     * clients recover what they missed) and its members, none of them connected. Members who were
     * in a breakout are back in the group (breakouts are not recorded); members who do not come back
     * within {@link #RETURN_AFTER_TAKE_UP} are announced gone. A room already live here is left as it
     * is. Completes when done (also when the journal could not be read: the rooms then start afresh).
     */
    public java.util.concurrent.CompletionStage<Void> restore(String org) {
        if (!journal.records()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        restoring.put(org, done);
        journal.load(org).whenComplete((recorded, failure) -> {
            if (failure != null) {
                log.warn("rooms not taken up org={} ({}); they start afresh", org, failure.getClass().getSimpleName());
                recorded = List.of();
            }
            java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(recorded.size() + 1);
            Runnable one = () -> {
                if (left.decrementAndGet() == 0) {
                    restoring.remove(org, done);
                    done.complete(null);
                }
            };
            for (RoomJournal.Recorded r : recorded) {
                RoomKey key = new RoomKey(org, r.room());
                executors.execute(key, () -> {
                    try {
                        takeUp(key, r);
                    } finally {
                        one.run();
                    }
                });
            }
            if (!recorded.isEmpty()) {
                log.info("rooms taken up org={} rooms={}", org, recorded.size());
            }
            one.run();
        });
        return done;
    }

    /** Completes when the rooms of {@code org} being taken up are (at once when none are). */
    public java.util.concurrent.CompletionStage<Void> restored(String org) {
        java.util.concurrent.CompletableFuture<Void> pending = restoring.get(org);
        return pending == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : pending;
    }

    /** One recorded room, taken up. Room thread only. */
    private void takeUp(RoomKey key, RoomJournal.Recorded recorded) {
        if (rooms.containsKey(key) || key.isBreakout()) {
            return;
        }
        RoomRecords.Header header = RoomRecords.header(recorded.header());
        if (header.state() == Sessions.State.ENDED) {
            ended.putIfAbsent(key, clock.instant());
            return;
        }
        Room room = new Room(key, header.kind(), null, firstSeq());
        room.takeUp(recorded.events());
        room.state = header.state();
        room.requiresAdmission = header.admission();
        room.pausedForCoverage = header.pausedForCoverage();
        header.removed().forEach(u -> room.removed.add(new UserRef(key.org(), u)));
        List<UserRef> steppedOut = new java.util.ArrayList<>();
        recorded.members().forEach((user, text) -> {
            org.haven.protocol.Member m = RoomRecords.member(text);
            UserRef ref = new UserRef(key.org(), user);
            room.members.put(ref, new Room.RoomMember(ref, m.role(), m.name(), m.roomRole(), m.status()));
            roomsOfUser.computeIfAbsent(ref, u -> ConcurrentHashMap.newKeySet()).add(key);
            if (m.steppedOut()) {
                steppedOut.add(ref);
            }
        });
        room.journalTo(journal, task -> executors.execute(key, task), timer, JOURNAL_WAIT);
        rooms.put(key, room);
        for (UserRef u : steppedOut) {
            room.event(new ServerMessage.Returned(key.room(), room.nextSeq(), u.user()), clock.instant(), recoveryWindow);
        }
        timer.schedule(() -> executors.execute(key, () -> announceAbsent(room)), RETURN_AFTER_TAKE_UP.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Members of a room taken up who did not come back are gone. Room thread only. */
    private void announceAbsent(Room room) {
        if (rooms.get(room.key) != room) {
            return;
        }
        for (Room.RoomMember m : List.copyOf(room.members.values())) {
            if (m.connections.isEmpty()) {
                detach(room, m.user, null);
            }
        }
        retireIfEmpty(room);
    }

    /**
     * A client whose earlier session this node does not know (it was served by a node that stopped)
     * takes up its place in a room taken up from the journal: only when the room lists the user as a
     * member not connected yet. Answers {@code room.resumed} as {@link #resume} does; otherwise
     * {@code room.resumed} not recovered without a snapshot (the client joins as usual), and
     * {@code onRefused} runs.
     */
    public void resumeTakenUp(Participant p, RoomKey key, long lastSeq, PresenceStatus status, Runnable onRefused) {
        onRoom(key, p, null, () -> {
            Room room = rooms.get(key);
            Room.RoomMember member = room == null ? null : room.member(p.user());
            if (member == null || !member.connections.isEmpty() || room.removed.contains(p.user())) {
                onRefused.run();
                reply(p.connection(), new ServerMessage.RoomResumed(key.room(), false, null, null));
                return;
            }
            member.connections.add(p.connection());
            replay(room, p, lastSeq);
            if (member.status != status) {
                member.status = status;
                room.event(new ServerMessage.PresenceChanged(key.room(), room.nextSeq(), p.user().user(), status),
                        clock.instant(), recoveryWindow);
            }
        });
    }

    /**
     * Answers a resume in {@code room}: {@code room.resumed} recovered and every event after
     * {@code lastSeq}, once, in order, when all are kept; otherwise not recovered, with a snapshot.
     * Room thread only.
     */
    private void replay(Room room, Participant p, long lastSeq) {
        List<Outbound> missed = room.since(lastSeq);
        if (missed == null) {
            reply(p.connection(), new ServerMessage.RoomResumed(room.key.room(), false, null, snapshot(room, p.user())));
        } else {
            reply(p.connection(), new ServerMessage.RoomResumed(room.key.room(), true, lastSeq + 1, null));
            for (Outbound frame : missed) {
                p.connection().send(frame);
            }
        }
    }

    /** A member who was in a breakout when their connection dropped is put back there, and told so. */
    private void rejoinBreakout(Room group, Room.RoomMember member, Participant p, Connection lost) {
        Room breakout = rooms.get(member.breakout);
        if (breakout == null) {
            member.breakout = null;
            return;
        }
        Room.RoomMember inBreakout = breakout.member(p.user());
        if (inBreakout == null) {
            return;
        }
        if (lost != null) {
            inBreakout.connections.remove(lost);
        }
        inBreakout.connections.add(p.connection());
        List<String> peers = new java.util.ArrayList<>();
        breakout.members.keySet().forEach(u -> {
            if (!u.equals(p.user())) {
                peers.add(u.user());
            }
        });
        reply(p.connection(), new ServerMessage.BreakoutMoved(group.key.room(), breakout.key.room(), peers,
                snapshot(breakout, p.user())));
    }

    /** Shows a user's new status in every room they are in on this node. */
    public void statusChanged(UserRef user, PresenceStatus status) {
        Set<RoomKey> keys = roomsOfUser.get(user);
        if (keys == null) {
            return;
        }
        for (RoomKey key : Set.copyOf(keys)) {
            executors.execute(key, () -> {
                Room room = rooms.get(key);
                Room.RoomMember member = room == null ? null : room.member(user);
                if (member == null || member.status == status) {
                    return;
                }
                member.status = status;
                room.event(new ServerMessage.PresenceChanged(key.room(), room.nextSeq(), user.user(),
                        status), clock.instant(), recoveryWindow);
            });
        }
    }

    /**
     * Runs a request's task on the room's executor; if it fails unexpectedly the requester is told
     * {@code internal} rather than left waiting.
     */
    void onRoom(RoomKey key, Participant p, String re, Runnable task) {
        executors.execute(key, () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                String reference = Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
                log.error("room request failed reference={} room={} connection={}", reference, key,
                        p.connection().id(), e);
                if (re != null) {
                    reply(p.connection(), error(re, ErrorCode.INTERNAL,
                            "the request could not be completed (reference " + reference + ")"));
                }
            }
        });
    }

    void retireIfEmpty(Room room) {
        if (room.isEmpty() && room.breakouts.isEmpty() && rooms.remove(room.key, room) && room.journaled()) {
            // Nothing to take up: the next room of this id starts afresh. Sent after the room's last
            // entries, and before a next room's first, on the same connection: applied in that order.
            journal.forget(room.key).whenComplete((v, failure) -> {
                if (failure != null) {
                    log.debug("room record not dropped room={} ({})", room.key, failure.getClass().getSimpleName());
                }
            });
        }
    }

    static ServerMessage.Error error(String re, ErrorCode code, String message) {
        return new ServerMessage.Error(re, code, message);
    }

    static void reply(Connection connection, ServerMessage message) {
        connection.send(Outbound.of(message));
    }
}
