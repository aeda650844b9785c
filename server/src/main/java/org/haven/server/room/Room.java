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
     * must be the number just taken with {@link #nextSeq()}.
     */
    void event(org.haven.protocol.ServerMessage.RoomEvent event, Instant now, java.time.Duration window) {
        Outbound frame = Outbound.of(event);
        history.addLast(new Recorded(event.seq(), frame, now));
        Instant oldest = now.minus(window);
        while (!history.isEmpty() && (history.size() > MAX_HISTORY || history.peekFirst().at().isBefore(oldest))) {
            history.removeFirst();
        }
        broadcast(frame, null);
    }

    /**
     * The events after {@code lastSeq}, in order, when every one of them is still kept; null when
     * some are gone (or {@code lastSeq} is from another life of this room).
     */
    List<Outbound> since(long lastSeq) {
        if (lastSeq > seq || lastSeq < 0) {
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
                    c.send(frame);
                } else {
                    if (routed == null) {
                        routed = new java.util.HashMap<>();
                    }
                    routed.computeIfAbsent(route, r -> new ArrayList<>()).add(c.id());
                }
            }
        }
        if (routed != null) {
            // Members on another node: the frame travels there once, with the list of them.
            routed.forEach((route, ids) -> route.sendAll(frame, ids));
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
