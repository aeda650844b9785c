package org.haven.server.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;

/**
 * The live state of one room: its members, each with the connections they joined through, and the
 * sequence number of its last event. Confined to the room's executor: never touched by two threads
 * at once.
 */
final class Room {

    /** A member: one user, any number of their connections. */
    static final class RoomMember {
        final UserRef user;
        final Role role;
        final String name;
        PresenceStatus status;
        final Set<Connection> connections = new LinkedHashSet<>();

        RoomMember(UserRef user, Role role, String name, PresenceStatus status) {
            this.user = user;
            this.role = role;
            this.name = name;
            this.status = status;
        }

        Member view() {
            return new Member(user.user(), name, role, status);
        }
    }

    final RoomKey key;
    private final Map<UserRef, RoomMember> members = new LinkedHashMap<>();
    private long seq;

    Room(RoomKey key) {
        this.key = key;
    }

    long seq() {
        return seq;
    }

    /** Takes the next sequence number for a new event. */
    long nextSeq() {
        return ++seq;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    int size() {
        return members.size();
    }

    RoomMember member(UserRef user) {
        return members.get(user);
    }

    RoomMember add(Participant p, PresenceStatus status) {
        return members.computeIfAbsent(p.user(), u -> new RoomMember(u, p.role(), p.name(), status));
    }

    void remove(UserRef user) {
        members.remove(user);
    }

    boolean contains(Connection connection, UserRef user) {
        RoomMember m = members.get(user);
        return m != null && m.connections.contains(connection);
    }

    List<Member> roster() {
        List<Member> out = new ArrayList<>(members.size());
        for (RoomMember m : members.values()) {
            out.add(m.view());
        }
        return out;
    }

    /** Sends one encoded frame to every connection in the room, except {@code skip} (may be null). */
    void broadcast(Outbound frame, Connection skip) {
        for (RoomMember m : members.values()) {
            for (Connection c : m.connections) {
                if (c != skip) {
                    c.send(frame);
                }
            }
        }
    }
}
