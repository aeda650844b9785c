package org.haven.server.room;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;

/**
 * Group rooms: join with a snapshot, leave, group chat, presence within a room. Every operation on
 * a room runs on that room's executor ({@link RoomExecutors}), so each room's events carry
 * consecutive sequence numbers and reach every member in that order. Replies to the requester are
 * sent from the same thread, so a joiner's snapshot precedes every event after it.
 *
 * <p>Authorization (grants, roles) is checked by the caller before a request gets here; this class
 * checks membership.
 */
public final class RoomService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RoomService.class);

    private final RoomExecutors executors;
    private final Clock clock;
    private final int maxMembersPerRoom;
    private final Map<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private final Map<UserRef, Set<RoomKey>> roomsOfUser = new ConcurrentHashMap<>();

    public RoomService(RoomExecutors executors, Clock clock, int maxMembersPerRoom) {
        this.executors = executors;
        this.clock = clock;
        this.maxMembersPerRoom = maxMembersPerRoom;
    }

    /** Number of rooms with at least one member on this node. */
    public int roomCount() {
        return rooms.size();
    }

    /**
     * Joins {@code p} to {@code key}, showing {@code status}; answers the request {@code re} with a
     * {@link Result.RoomSnapshot} and tells the other members when the user is new to the room.
     * {@code onRefused} runs (on the room's thread) when the join is refused.
     */
    public void join(Participant p, RoomKey key, PresenceStatus status, String re, Runnable onRefused) {
        onRoom(key, p, re, () -> {
            Room room = rooms.computeIfAbsent(key, Room::new);
            Room.RoomMember member = room.member(p.user());
            if (member != null && member.connections.contains(p.connection())) {
                reply(p.connection(), error(re, ErrorCode.ALREADY_JOINED, "already joined on this connection"));
                return;
            }
            if (member == null && room.size() >= maxMembersPerRoom) {
                retireIfEmpty(room);
                onRefused.run();
                reply(p.connection(), error(re, ErrorCode.LIMIT_REACHED,
                        "the room is full (" + maxMembersPerRoom + " members)"));
                return;
            }
            if (member == null) {
                member = room.add(p, status);
                roomsOfUser.computeIfAbsent(p.user(), u -> ConcurrentHashMap.newKeySet()).add(key);
                room.broadcast(Outbound.of(new ServerMessage.MemberJoined(key.room(), room.nextSeq(), member.view())),
                        null);
            }
            member.connections.add(p.connection());
            reply(p.connection(), new ServerMessage.Ok(re,
                    new Result.RoomSnapshot(key.room(), room.seq(), room.roster())));
        });
    }

    /**
     * Removes the connection of {@code p} from {@code key}; the others see the user leave when it
     * was their last connection in the room. With {@code re} null (a closed connection) nothing is
     * answered.
     */
    public void leave(Participant p, RoomKey key, String re) {
        onRoom(key, p, re, () -> {
            Room room = rooms.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                if (re != null) {
                    reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "not a member of this room"));
                }
                return;
            }
            Room.RoomMember member = room.member(p.user());
            member.connections.remove(p.connection());
            if (member.connections.isEmpty()) {
                room.remove(p.user());
                Set<RoomKey> keys = roomsOfUser.get(p.user());
                if (keys != null) {
                    keys.remove(key);
                    roomsOfUser.computeIfPresent(p.user(), (u, s) -> s.isEmpty() ? null : s);
                }
                room.broadcast(Outbound.of(new ServerMessage.MemberLeft(key.room(), room.nextSeq(), p.user().user())),
                        null);
            }
            if (re != null) {
                reply(p.connection(), new ServerMessage.Ok(re, null));
            }
            retireIfEmpty(room);
        });
    }

    /** Posts {@code text} to the room's group chat; every connection in the room receives it in order. */
    public void chat(Participant p, RoomKey key, String text, String re) {
        onRoom(key, p, re, () -> {
            Room room = rooms.get(key);
            if (room == null || !room.contains(p.connection(), p.user())) {
                reply(p.connection(), error(re, ErrorCode.NOT_A_MEMBER, "join the room before posting"));
                return;
            }
            long seq = room.nextSeq();
            room.broadcast(Outbound.of(new ServerMessage.ChatMessage(key.room(), seq, p.user().user(), p.name(), text,
                    clock.instant())), null);
            reply(p.connection(), new ServerMessage.Ok(re, new Result.ChatSent(key.room(), seq)));
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
                room.broadcast(Outbound.of(new ServerMessage.PresenceChanged(key.room(), room.nextSeq(), user.user(),
                        status)), null);
            });
        }
    }

    /**
     * Runs a request's task on the room's executor; if it fails unexpectedly the requester is told
     * {@code internal} rather than left waiting.
     */
    private void onRoom(RoomKey key, Participant p, String re, Runnable task) {
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

    private void retireIfEmpty(Room room) {
        if (room.isEmpty()) {
            rooms.remove(room.key, room);
        }
    }

    private static ServerMessage.Error error(String re, ErrorCode code, String message) {
        return new ServerMessage.Error(re, code, message);
    }

    private static void reply(Connection connection, ServerMessage message) {
        connection.send(Outbound.of(message));
    }
}
