package org.haven.server.room;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Connection;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.jspecify.annotations.Nullable;

/**
 * Rooms: join (or wait to be admitted) with a snapshot, leave, group chat, presence within a room,
 * and resuming after a dropped connection or a node's take-over ({@link RoomRecovery}). Every
 * operation on a room runs on that room's executor ({@link RoomExecutors}; a breakout shares its
 * group's), so each room's events carry consecutive sequence numbers and reach every member in that
 * order. Replies to the requester are sent from the same thread, so a joiner's snapshot precedes
 * every event after it. Session control (pause, breakouts, admission…) is {@link SessionControl},
 * on the same rooms.
 *
 * <p>The parts: {@link Room} owns each room's state and emits its events through a
 * {@link RoomSink} (at once, or {@link JournaledRoomSink recorded first}); {@link RoomRegistry}
 * alone keeps the map of rooms, the rooms of each user and the ended hold.
 *
 * <p>Authorization by grant is checked by the caller before a request gets here; this class checks
 * membership and roles in the room.
 *
 * <p>Threading: entry points from any thread; each operation runs on its room's executor.
 */
public final class RoomService {

    /** How long members of a room taken up from the journal have to come back before they are announced gone. */
    static final Duration RETURN_AFTER_TAKE_UP = RoomRecovery.RETURN_AFTER_TAKE_UP;

    final RoomRegistry registry;
    final RoomRequests requests;
    private final RoomRecovery recovery;
    private final int maxMembersPerRoom;

    public RoomService(
            RoomExecutors executors,
            Clock clock,
            int maxMembersPerRoom,
            IceServers iceServers,
            Duration recoveryWindow,
            RoomJournal journal,
            ScheduledExecutorService timer) {
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(timer, "timer");
        this.registry = new RoomRegistry(executors, clock, recoveryWindow, journal, timer);
        this.requests = new RoomRequests(executors, iceServers);
        this.recovery = new RoomRecovery(registry, requests, timer);
        this.maxMembersPerRoom = maxMembersPerRoom;
    }

    /** The kind of a live room; a room not yet open is a group. */
    public Sessions.RoomKind kindOf(RoomKey key) {
        return registry.kindOf(key);
    }

    /** Number of rooms with at least one member on this node. */
    public int roomCount() {
        return registry.count();
    }

    /**
     * Joins {@code p} to {@code key}, showing {@code status}; answers with a
     * {@link Result.RoomSnapshot} (or {@link Result.Waiting} when the room requires admission) and
     * tells the other members when the user is new to the room. {@code onRefused} runs when the join
     * is refused.
     */
    public void join(Participant p, RoomKey key, PresenceStatus status, Reply reply, Runnable onRefused) {
        requests.onRoom(key, reply, () -> {
            if (key.isBreakout()) {
                refuse(reply, onRefused, null, ErrorCode.FORBIDDEN, "breakouts are entered by a facilitator's move");
                return;
            }
            if (registry.recentlyEnded(key)) {
                refuse(reply, onRefused, null, ErrorCode.SESSION_ENDED, "this session has ended");
                return;
            }
            Room room = registry.open(key);
            Room.RoomMember member = room.member(p.user());
            if (member != null && member.connectedThrough(p.connection())) {
                reply.refuse(ErrorCode.ALREADY_JOINED, "already joined on this connection");
                return;
            }
            if (room.wasRemoved(p.user())) {
                refuse(reply, onRefused, room, ErrorCode.FORBIDDEN, "a facilitator removed you from this session");
                return;
            }
            Sessions.RoomRole roomRole = room.roleFor(p);
            if (roomRole == null) {
                refuse(reply, onRefused, room, ErrorCode.FORBIDDEN, "support members join family sessions only");
                return;
            }
            if (member == null && room.size() >= maxMembersPerRoom) {
                refuse(
                        reply,
                        onRefused,
                        room,
                        ErrorCode.LIMIT_REACHED,
                        "the room is full (" + maxMembersPerRoom + " members)");
                return;
            }
            if (member == null && room.waitsForAdmission(roomRole)) {
                reply.ok(new Result.Waiting(key.room()));
                room.enqueue(p);
                return;
            }
            room.admit(p, roomRole, status);
            reply.ok(requests.snapshot(room, p.user()));
        });
    }

    /** Refuses a join: the room opened for it retires if nobody else is in it. */
    private void refuse(Reply reply, Runnable onRefused, @Nullable Room opened, ErrorCode code, String message) {
        if (opened != null) {
            registry.retireIfEmpty(opened);
        }
        onRefused.run();
        reply.refuse(code, message);
    }

    /**
     * Removes the connection of {@code p} from {@code key} (and from a breakout it stepped out into,
     * or the waiting room); the others see the user leave when it was their last connection in the
     * room. For a closed connection, {@link Reply#none()}.
     */
    public void leave(Participant p, RoomKey key, Reply reply) {
        requests.onRoom(key, reply, () -> {
            Room room = registry.get(key);
            if (room != null && room.dequeue(p)) {
                reply.ok();
                registry.retireIfEmpty(room);
                return;
            }
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "not a member of this room");
                return;
            }
            Room.RoomMember member = Objects.requireNonNull(room.member(p.user()), "a member: contains() said so");
            if (member.breakout() != null) {
                Room breakout = registry.get(member.breakout());
                if (breakout != null) {
                    detach(breakout, p.user(), p.connection());
                }
            }
            detach(room, p.user(), p.connection());
            reply.ok();
        });
    }

    /** Takes one connection out of a room, announcing the leave when it was the user's last. Room thread only. */
    void detach(Room room, UserRef user, Connection connection) {
        room.detach(user, connection);
        registry.retireIfEmpty(room);
    }

    /** Posts {@code text} to the room's group chat; every connection present receives it in order. */
    public void chat(Participant p, RoomKey key, String text, Reply reply) {
        requests.onRoom(key, reply, () -> {
            Room room = registry.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "join the room before posting");
                return;
            }
            Room.RoomMember member = Objects.requireNonNull(room.member(p.user()), "a member: contains() said so");
            if (member.breakout() != null) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "you are in a breakout; post there");
                return;
            }
            if (room.state() == Sessions.State.PAUSED && !member.roomRole.facilitates()) {
                reply.refuse(ErrorCode.SESSION_PAUSED, "the session is paused");
                return;
            }
            long seq = room.chat(p, text);
            // Told "sent" once the message is delivered (recorded first, when the room is journaled).
            room.afterEvents(() -> reply.ok(new Result.ChatSent(key.room(), seq)));
        });
    }

    /** Answers with the presence of every member of a room the caller has joined. */
    public void presence(Participant p, RoomKey key, Reply reply) {
        requests.onRoom(key, reply, () -> {
            Room room = registry.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "presence is shown to members only");
                return;
            }
            reply.ok(new Result.PresenceList(key.room(), room.roster()));
        });
    }

    /**
     * A reconnecting client takes up its place in {@code key} again. When the connection it lost is
     * still a member (it came back within the grace period) the new one simply replaces it, and
     * nobody sees a leave or a join. Then, when every event after {@code lastSeq} is still kept, the
     * client receives {@code room.resumed} (recovered) and each of those events once, in order;
     * otherwise {@code room.resumed} (not recovered) with a fresh snapshot. Never a silent gap. A
     * member who was in a breakout is put back there; {@code breakoutSeqs} (the client's last numbers
     * in breakouts) lets it recover what was said there meanwhile.
     */
    public void resume(
            Participant p,
            RoomKey key,
            long lastSeq,
            @Nullable Connection lost,
            PresenceStatus status,
            Map<String, Long> breakoutSeqs) {
        recovery.resume(p, key, lastSeq, lost, status, breakoutSeqs);
    }

    /**
     * Takes up the recorded rooms of {@code org}, which this node has just begun to serve (the node
     * that served it stopped): each room comes back with its session state, its recent events (so
     * clients recover what they missed) and its members, none of them connected. Members who were
     * in a breakout are back in the group (breakouts are not recorded); members who do not come back
     * within {@link #RETURN_AFTER_TAKE_UP} are announced gone. A session recorded as ended stays
     * ended. A room already live here is left as it is. Completes when done (also when the journal
     * could not be read: the rooms then start afresh), with how many rooms the journal held.
     */
    public CompletionStage<Integer> restore(String org) {
        return recovery.restore(org);
    }

    /** Completes when the rooms of {@code org} being taken up are (at once when none are). */
    public CompletionStage<Void> restored(String org) {
        return recovery.restored(org);
    }

    /**
     * A client whose earlier session this node does not know (it was served by a node that stopped)
     * takes up its place in a room taken up from the journal: only when the room lists the user as a
     * member not connected yet. Answers {@code room.resumed} as {@link #resume} does; otherwise
     * {@code room.resumed} not recovered without a snapshot (the client joins as usual), and
     * {@code onRefused} runs.
     */
    public void resumeTakenUp(Participant p, RoomKey key, long lastSeq, PresenceStatus status, Runnable onRefused) {
        recovery.resumeTakenUp(p, key, lastSeq, status, onRefused);
    }

    /** Shows a user's new status in every room they are in on this node. */
    public void statusChanged(UserRef user, PresenceStatus status) {
        for (RoomKey key : registry.roomsOf(user)) {
            requests.execute(key, () -> {
                Room room = registry.get(key);
                if (room != null) {
                    room.status(user, status);
                }
            });
        }
    }
}
