package org.haven.server.room;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.jspecify.annotations.Nullable;

/**
 * What a facilitator does to a live session: configure it, pause and resume, admit or decline
 * from the waiting room, remove a member, end it, move a client into a private breakout and back;
 * plus WebRTC signalling between two members of one room, and the coverage rule (clients are never
 * left alone in a session). Every action is checked against the caller's role in the room and
 * written to the audit trail. Runs on the rooms' executors, like {@link RoomService}.
 *
 * <p>Threading: entry points from any thread; every action runs on the room's executor (a
 * breakout's is its group's).
 */
public final class SessionControl {

    /** Largest signalling payload relayed (an SDP offer with many codecs fits comfortably). */
    public static final int MAX_SIGNAL_CHARS = 16 * 1024;

    private final RoomService rooms;
    private final AuditTrail audit;
    private final SessionAlerts alerts;
    private final Duration coverageTimeout;

    public SessionControl(RoomService rooms, AuditTrail audit, SessionAlerts alerts, Duration coverageTimeout) {
        this.rooms = rooms;
        this.audit = audit;
        this.alerts = alerts;
        this.coverageTimeout = coverageTimeout;
    }

    public void configure(Participant p, RoomKey key, Sessions.RoomKind kind, boolean requiresAdmission, Reply reply) {
        facilitator(p, key, reply, "session.configure", room -> {
            if (kind == Sessions.RoomKind.BREAKOUT || room.kind() == Sessions.RoomKind.BREAKOUT) {
                throw new Refusal(ErrorCode.INVALID_MESSAGE, "a breakout is made with breakout.start");
            }
            room.configure(kind, requiresAdmission);
            return null;
        });
    }

    public void pause(Participant p, RoomKey key, Reply reply) {
        facilitator(p, key, reply, "session.pause", room -> {
            room.pause();
            return null;
        });
    }

    public void resume(Participant p, RoomKey key, Reply reply) {
        facilitator(p, key, reply, "session.resume", room -> {
            room.resume();
            return null;
        });
    }

    /** Ends the session and its breakouts: every member is told, with the reason, and the room closes. */
    public void end(Participant p, RoomKey key, String reason, Reply reply) {
        facilitator(p, key, reply, "session.end", room -> {
            endSession(room, reason);
            return null;
        });
    }

    /**
     * Ends {@code room}'s session and its breakouts' (a facilitator's {@code session.end}, or the
     * organisation's through the server API): every member is told, with the reason. Room thread.
     */
    void endSession(Room room, String reason) {
        for (RoomKey b : List.copyOf(room.breakouts())) {
            Room breakout = registry().get(b);
            if (breakout != null) {
                close(breakout, reason);
            }
        }
        close(room, reason);
    }

    public void admit(Participant p, RoomKey key, String user, Reply reply) {
        facilitator(p, key, reply, "room.admit", room -> {
            List<Participant> waiting = room.takeWaiting(new UserRef(key.org(), user));
            if (waiting == null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "nobody of that id is waiting");
            }
            for (Participant w : waiting) {
                Sessions.RoomRole role = room.roleFor(w);
                room.admit(w, role == null ? Sessions.RoomRole.PARTICIPANT : role, PresenceStatus.AVAILABLE);
            }
            for (Participant w : waiting) {
                w.connection()
                        .send(Outbound.of(
                                new ServerMessage.Admitted(key.room(), rooms.requests.snapshot(room, w.user()))));
            }
            return null;
        });
    }

    public void decline(Participant p, RoomKey key, String user, Reply reply) {
        facilitator(p, key, reply, "room.decline", room -> {
            List<Participant> waiting = room.takeWaiting(new UserRef(key.org(), user));
            if (waiting == null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "nobody of that id is waiting");
            }
            for (Participant w : waiting) {
                w.connection().send(Outbound.of(new ServerMessage.Declined(key.room())));
            }
            return null;
        });
    }

    public void remove(Participant p, RoomKey key, String user, Reply reply) {
        facilitator(p, key, reply, "room.remove", room -> {
            removeMember(room, new UserRef(key.org(), user));
            return null;
        });
    }

    /**
     * Takes {@code target} out of {@code room} (and out of the breakout they stepped into) for the
     * rest of the session: they are told {@code room.removed}, the others see them leave (a
     * facilitator's {@code room.remove}, or the organisation's through the server API). Room thread.
     *
     * @throws Refusal {@code not_found} when {@code target} is not a member
     */
    void removeMember(Room room, UserRef target) {
        Room.RoomMember member = room.member(target);
        if (member == null) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no member of that id");
        }
        room.bar(target);
        if (member.breakout() != null) {
            Room breakout = registry().get(member.breakout());
            if (breakout != null) {
                for (Connection c : List.copyOf(member.connections())) {
                    rooms.detach(breakout, target, c);
                }
            }
        }
        for (Connection c : List.copyOf(member.connections())) {
            c.send(Outbound.of(new ServerMessage.Removed(room.key.room())));
            rooms.detach(room, target, c);
        }
    }

    /**
     * Moves a client and a clinician (the caller, or a named co-facilitator) into a new private
     * breakout. The two are told to switch; the group sees only that they stepped out.
     */
    public void startBreakout(
            Participant p,
            RoomKey key,
            String client,
            @Nullable String clinician,
            @Nullable String alert,
            Reply reply) {
        facilitator(p, key, reply, "breakout.start", room -> {
            if (key.isBreakout()) {
                throw new Refusal(ErrorCode.INVALID_MESSAGE, "a breakout has no breakouts");
            }
            Room.RoomMember who = room.member(new UserRef(key.org(), client));
            if (who == null || who.roomRole != Sessions.RoomRole.PARTICIPANT || who.breakout() != null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "no client of that id present in the room");
            }
            Room.RoomMember with =
                    clinician == null ? room.member(p.user()) : room.member(new UserRef(key.org(), clinician));
            if (with == null || !with.roomRole.facilitates() || with.breakout() != null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "no facilitator of that id present in the room");
            }
            Room breakout = registry().openBreakout(room);
            RoomKey breakoutKey = breakout.key;
            for (Room.RoomMember m : List.of(who, with)) {
                for (Connection c : m.connections()) {
                    breakout.admit(
                            m.through(c),
                            m == who ? Sessions.RoomRole.PARTICIPANT : Sessions.RoomRole.FACILITATOR,
                            m.status());
                }
                room.stepOut(m, breakoutKey);
            }
            for (Room.RoomMember m : List.of(who, with)) {
                String peer = (m == who ? with : who).user.user();
                ServerMessage.BreakoutMoved moved = new ServerMessage.BreakoutMoved(
                        key.room(), breakoutKey.room(), List.of(peer), rooms.requests.snapshot(breakout, m.user));
                for (Connection c : m.connections()) {
                    c.send(Outbound.of(moved));
                }
            }
            if (alert != null) {
                alerts.movedToBreakout(alert, p.user(), breakoutKey.room());
            }
            return new Result.BreakoutStarted(key.room(), breakoutKey.room());
        });
    }

    /** Ends a breakout: its members are back in their group, and the group sees them return. */
    public void endBreakout(Participant p, RoomKey breakoutKey, Reply reply) {
        RoomKey groupKey = new RoomKey(breakoutKey.org(), breakoutKey.grantRoom());
        // Runs on the group's executor, which is also the breakout's. Any facilitator of the breakout
        // or of its group may end it: one whose own clinician dropped for good must not keep the
        // client stepped out.
        rooms.requests.onRoom(breakoutKey, reply, () -> {
            Room breakout = registry().get(breakoutKey);
            Room group = registry().get(groupKey);
            // Audited before the answer: whoever is told has it on record already.
            try {
                if (!breakoutKey.isBreakout() || breakout == null) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "no such breakout");
                }
                if (!facilitates(breakout, p) && !facilitates(group, p)) {
                    throw new Refusal(ErrorCode.FORBIDDEN, "only a facilitator may do this");
                }
                returnFrom(breakout);
                auditReturn(p, breakoutKey, "ok");
                reply.ok();
            } catch (Refusal r) {
                auditReturn(p, breakoutKey, "refused:" + r.code().wire());
                reply.refuse(r);
            }
        });
    }

    private static boolean facilitates(@Nullable Room room, Participant p) {
        Room.RoomMember me = room == null ? null : room.member(p.user());
        return me != null && me.connectedThrough(p.connection()) && me.roomRole.facilitates();
    }

    /** Ends a breakout: its members are told, and the group sees each of them return. Group's thread. */
    private void returnFrom(Room breakout) {
        RoomKey groupKey = Objects.requireNonNull(breakout.parent, "a breakout has a group");
        Room group = registry().get(groupKey);
        Outbound ended = Outbound.of(new ServerMessage.BreakoutEnded(groupKey.room(), breakout.key.room()));
        for (Room.RoomMember m : breakout.empty()) {
            for (Connection c : m.connections()) {
                c.send(ended);
            }
            if (group != null) {
                group.returnFrom(m.user, breakout.key);
            }
        }
        registry().closeBreakout(breakout);
    }

    /** Relays a signalling message to one named peer of the same room, and only there. */
    public void signal(Participant p, RoomKey key, String to, Sessions.Signal signal, String payload, Reply reply) {
        rooms.requests.onRoom(key, reply, () -> {
            if (payload.length() > MAX_SIGNAL_CHARS) {
                reply.refuse(ErrorCode.TOO_LARGE, "signalling payload longer than " + MAX_SIGNAL_CHARS + " characters");
                return;
            }
            Room room = registry().get(key);
            Room.RoomMember me = room == null ? null : room.member(p.user());
            if (room == null || !room.contains(p.connection(), p.user()) || me == null || me.breakout() != null) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "not in this room");
                return;
            }
            Room.RoomMember peer = room.member(new UserRef(key.org(), to));
            if (peer == null || peer.breakout() != null || peer.user.equals(p.user())) {
                reply.refuse(ErrorCode.NOT_A_MEMBER, "the peer is not in this room");
                return;
            }
            Outbound relay =
                    Outbound.of(new ServerMessage.RtcRelay(key.room(), p.user().user(), signal, payload));
            for (Connection c : peer.connections()) {
                c.send(relay);
            }
            reply.ok();
        });
    }

    private void auditReturn(Participant p, RoomKey breakoutKey, String outcome) {
        audit.record(new AuditEvent(
                breakoutKey.org(), p.user().user(), "breakout.return", "room:" + breakoutKey, outcome, Map.of()));
    }

    /**
     * The coverage rule, run periodically: a room with a client present and no facilitator for
     * longer than the coverage time-out is paused, and a coverage alert goes to on-call.
     */
    public void checkCoverage() {
        Instant now = registry().clock().instant();
        for (RoomKey key : registry().keys()) {
            rooms.requests.execute(key, () -> {
                Room room = registry().get(key);
                if (room == null) {
                    return;
                }
                Room.RoomMember alone = room.checkCoverage(now, coverageTimeout);
                if (alone != null) {
                    audit.record(new AuditEvent(
                            key.org(), AuditEvent.SYSTEM, "session.coverage_pause", "room:" + key, "ok", Map.of()));
                    alerts.coverageLost(alone.user, key.room());
                }
            });
        }
    }

    /** Ends a room's session: its members are told; the end holds (on the next node too, when journaled). */
    private void close(Room room, String reason) {
        room.end(reason);
        registry().closeEnded(room);
    }

    private RoomRegistry registry() {
        return rooms.registry;
    }

    private interface Action {
        @Nullable
        Result apply(Room room);
    }

    /** Runs a control action for a facilitator (or co-facilitator) present in the room. */
    private void facilitator(Participant p, RoomKey key, Reply reply, String action, Action body) {
        rooms.requests.onRoom(key, reply, () -> {
            Room room = registry().get(key);
            Room.RoomMember me = room == null ? null : room.member(p.user());
            try {
                if (room == null || me == null || !me.connectedThrough(p.connection())) {
                    throw new Refusal(ErrorCode.NOT_A_MEMBER, "join the room first");
                }
                if (!me.roomRole.facilitates()) {
                    throw new Refusal(ErrorCode.FORBIDDEN, "only a facilitator may do this");
                }
                Result result = body.apply(room);
                // Answered once what the action changed is delivered (recorded first, when journaled).
                audit.record(new AuditEvent(key.org(), p.user().user(), action, "room:" + key, "ok", Map.of()));
                room.afterEvents(() -> reply.ok(result));
            } catch (Refusal r) {
                // Audited before the answer: whoever is told has it on record already.
                audit.record(new AuditEvent(
                        key.org(),
                        p.user().user(),
                        action,
                        "room:" + key,
                        "refused:" + r.code().wire(),
                        Map.of()));
                reply.refuse(r);
            }
        });
    }

    /** Members present in a room (tests and metrics). */
    List<String> present(RoomKey key) {
        Room room = registry().get(key);
        List<String> out = new ArrayList<>();
        if (room != null) {
            room.members().forEach(m -> out.add(m.user.user()));
        }
        return out;
    }
}
