package org.haven.server.room;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;

/**
 * What a facilitator does to a live session: configure it, pause and resume, admit or decline
 * from the waiting room, remove a member, end it, move a client into a private breakout and back;
 * plus WebRTC signalling between two members of one room, and the coverage rule (clients are never
 * left alone in a session). Every action is checked against the caller's role in the room and
 * written to the audit trail. Runs on the rooms' executors, like {@link RoomService}.
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

    public void configure(Participant p, RoomKey key, Sessions.RoomKind kind, boolean requiresAdmission, String re) {
        facilitator(p, key, re, "session.configure", room -> {
            if (kind == Sessions.RoomKind.BREAKOUT || room.kind == Sessions.RoomKind.BREAKOUT) {
                throw new Refused(ErrorCode.INVALID_MESSAGE, "a breakout is made with breakout.start");
            }
            room.kind = kind;
            room.requiresAdmission = requiresAdmission;
            return null;
        });
    }

    public void pause(Participant p, RoomKey key, String re) {
        facilitator(p, key, re, "session.pause", room -> {
            setState(room, Sessions.State.PAUSED, null);
            return null;
        });
    }

    public void resume(Participant p, RoomKey key, String re) {
        facilitator(p, key, re, "session.resume", room -> {
            room.uncoveredSince = null;
            room.pausedForCoverage = false;
            setState(room, Sessions.State.LIVE, null);
            return null;
        });
    }

    /** Ends the session and its breakouts: every member is told, with the reason, and the room closes. */
    public void end(Participant p, RoomKey key, String reason, String re) {
        facilitator(p, key, re, "session.end", room -> {
            for (RoomKey b : List.copyOf(room.breakouts)) {
                Room breakout = rooms.rooms.get(b);
                if (breakout != null) {
                    close(breakout, reason);
                }
            }
            close(room, reason);
            return null;
        });
    }

    public void admit(Participant p, RoomKey key, String user, String re) {
        facilitator(p, key, re, "room.admit", room -> {
            List<Participant> waiting = room.waiting.remove(new UserRef(key.org(), user));
            if (waiting == null) {
                throw new Refused(ErrorCode.NOT_FOUND, "nobody of that id is waiting");
            }
            for (Participant w : waiting) {
                Sessions.RoomRole role = RoomService.roleFor(room, w);
                rooms.admit(room, w, role == null ? Sessions.RoomRole.PARTICIPANT : role, PresenceStatus.AVAILABLE);
            }
            for (Participant w : waiting) {
                w.connection().send(Outbound.of(new ServerMessage.Admitted(key.room(), rooms.snapshot(room, w.user()))));
            }
            room.toFacilitators(Outbound.of(new ServerMessage.WaitingList(key.room(), room.waitingList())));
            return null;
        });
    }

    public void decline(Participant p, RoomKey key, String user, String re) {
        facilitator(p, key, re, "room.decline", room -> {
            List<Participant> waiting = room.waiting.remove(new UserRef(key.org(), user));
            if (waiting == null) {
                throw new Refused(ErrorCode.NOT_FOUND, "nobody of that id is waiting");
            }
            for (Participant w : waiting) {
                w.connection().send(Outbound.of(new ServerMessage.Declined(key.room())));
            }
            room.toFacilitators(Outbound.of(new ServerMessage.WaitingList(key.room(), room.waitingList())));
            return null;
        });
    }

    public void remove(Participant p, RoomKey key, String user, String re) {
        facilitator(p, key, re, "room.remove", room -> {
            UserRef target = new UserRef(key.org(), user);
            Room.RoomMember member = room.member(target);
            if (member == null) {
                throw new Refused(ErrorCode.NOT_FOUND, "no member of that id");
            }
            room.removed.add(target);
            if (member.breakout != null) {
                Room breakout = rooms.rooms.get(member.breakout);
                if (breakout != null) {
                    for (Connection c : List.copyOf(member.connections)) {
                        rooms.detach(breakout, target, c);
                    }
                }
            }
            for (Connection c : List.copyOf(member.connections)) {
                c.send(Outbound.of(new ServerMessage.Removed(key.room())));
                rooms.detach(room, target, c);
            }
            return null;
        });
    }

    /**
     * Moves a client and a clinician (the caller, or a named co-facilitator) into a new private
     * breakout. The two are told to switch; the group sees only that they stepped out.
     */
    public void startBreakout(Participant p, RoomKey key, String client, String clinician, String alert, String re) {
        facilitator(p, key, re, "breakout.start", room -> {
            if (key.isBreakout()) {
                throw new Refused(ErrorCode.INVALID_MESSAGE, "a breakout has no breakouts");
            }
            Room.RoomMember who = room.member(new UserRef(key.org(), client));
            if (who == null || who.roomRole != Sessions.RoomRole.PARTICIPANT || who.breakout != null) {
                throw new Refused(ErrorCode.NOT_FOUND, "no client of that id present in the room");
            }
            Room.RoomMember with = clinician == null ? room.member(p.user())
                    : room.member(new UserRef(key.org(), clinician));
            if (with == null || !with.roomRole.facilitates() || with.breakout != null) {
                throw new Refused(ErrorCode.NOT_FOUND, "no facilitator of that id present in the room");
            }
            RoomKey breakoutKey = new RoomKey(key.org(), key.room() + RoomKey.BREAKOUT_SEPARATOR + "b-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
            Room breakout = new Room(breakoutKey, Sessions.RoomKind.BREAKOUT, key, rooms.firstSeq());
            rooms.rooms.put(breakoutKey, breakout);
            room.breakouts.add(breakoutKey);
            for (Room.RoomMember m : List.of(who, with)) {
                for (Connection c : m.connections) {
                    rooms.admit(breakout, new Participant(m.user, m.role, m.name, c),
                            m == who ? Sessions.RoomRole.PARTICIPANT : Sessions.RoomRole.FACILITATOR, m.status);
                }
                m.breakout = breakoutKey;
                room.event(new ServerMessage.SteppedOut(key.room(), room.nextSeq(), m.user.user()), rooms.clock.instant(), rooms.recoveryWindow);
            }
            for (Room.RoomMember m : List.of(who, with)) {
                String peer = (m == who ? with : who).user.user();
                ServerMessage.BreakoutMoved moved = new ServerMessage.BreakoutMoved(key.room(), breakoutKey.room(),
                        List.of(peer), rooms.snapshot(breakout, m.user));
                for (Connection c : m.connections) {
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
    public void endBreakout(Participant p, RoomKey breakoutKey, String re) {
        RoomKey groupKey = new RoomKey(breakoutKey.org(), breakoutKey.grantRoom());
        // Runs on the group's executor, which is also the breakout's. Any facilitator of the breakout
        // or of its group may end it: one whose own clinician dropped for good must not keep the
        // client stepped out.
        rooms.onRoom(breakoutKey, p, re, () -> {
            Room breakout = rooms.rooms.get(breakoutKey);
            Room group = rooms.rooms.get(groupKey);
            String outcome = "ok";
            try {
                if (!breakoutKey.isBreakout() || breakout == null) {
                    throw new Refused(ErrorCode.NOT_FOUND, "no such breakout");
                }
                if (!facilitates(breakout, p) && !facilitates(group, p)) {
                    throw new Refused(ErrorCode.FORBIDDEN, "only a facilitator may do this");
                }
                returnFrom(breakout);
                RoomService.reply(p.connection(), new ServerMessage.Ok(re, null));
            } catch (Refused r) {
                outcome = "refused:" + r.code.wire();
                RoomService.reply(p.connection(), RoomService.error(re, r.code, r.getMessage()));
            }
            audit.record(new AuditEvent(p.user().user(), "breakout.return", "room:" + breakoutKey, outcome, Map.of()));
        });
    }

    private static boolean facilitates(Room room, Participant p) {
        Room.RoomMember me = room == null ? null : room.member(p.user());
        return me != null && me.connections.contains(p.connection()) && me.roomRole.facilitates();
    }

    private void returnFrom(Room breakout) {
        Room group = rooms.rooms.get(breakout.parent);
        for (Room.RoomMember m : List.copyOf(breakout.members.values())) {
            for (Connection c : m.connections) {
                c.send(Outbound.of(new ServerMessage.BreakoutEnded(breakout.parent.room(), breakout.key.room())));
            }
            Room.RoomMember inGroup = group == null ? null : group.member(m.user);
            if (inGroup != null && breakout.key.equals(inGroup.breakout)) {
                inGroup.breakout = null;
                group.event(new ServerMessage.Returned(group.key.room(), group.nextSeq(),
                        m.user.user()), rooms.clock.instant(), rooms.recoveryWindow);
            }
        }
        breakout.members.clear();
        rooms.rooms.remove(breakout.key, breakout);
        if (group != null) {
            group.breakouts.remove(breakout.key);
            rooms.retireIfEmpty(group);
        }
    }

    /** Relays a signalling message to one named peer of the same room, and only there. */
    public void signal(Participant p, RoomKey key, String to, Sessions.Signal signal, String payload, String re) {
        rooms.onRoom(key, p, re, () -> {
            if (payload.length() > MAX_SIGNAL_CHARS) {
                RoomService.reply(p.connection(), RoomService.error(re, ErrorCode.TOO_LARGE,
                        "signalling payload longer than " + MAX_SIGNAL_CHARS + " characters"));
                return;
            }
            Room room = rooms.rooms.get(key);
            if (room == null || !room.contains(p.connection(), p.user()) || room.member(p.user()).breakout != null) {
                RoomService.reply(p.connection(), RoomService.error(re, ErrorCode.NOT_A_MEMBER, "not in this room"));
                return;
            }
            Room.RoomMember peer = room.member(new UserRef(key.org(), to));
            if (peer == null || peer.breakout != null || peer.user.equals(p.user())) {
                RoomService.reply(p.connection(), RoomService.error(re, ErrorCode.NOT_A_MEMBER,
                        "the peer is not in this room"));
                return;
            }
            Outbound relay = Outbound.of(new ServerMessage.RtcRelay(key.room(), p.user().user(), signal, payload));
            for (Connection c : peer.connections) {
                c.send(relay);
            }
            RoomService.reply(p.connection(), new ServerMessage.Ok(re, null));
        });
    }

    /**
     * The coverage rule, run periodically: a room with a client present and no facilitator for
     * longer than the coverage time-out is paused, and a coverage alert goes to on-call.
     */
    public void checkCoverage() {
        Instant now = rooms.clock.instant();
        for (RoomKey key : List.copyOf(rooms.rooms.keySet())) {
            rooms.executors.execute(key, () -> {
                Room room = rooms.rooms.get(key);
                if (room == null) {
                    return;
                }
                Room.RoomMember client = room.firstParticipant();
                if (client == null || room.hasFacilitator()) {
                    room.uncoveredSince = null;
                    if (room.pausedForCoverage && room.hasFacilitator()) {
                        room.pausedForCoverage = false;
                        setState(room, Sessions.State.LIVE, "facilitator present");
                    }
                    return;
                }
                if (room.uncoveredSince == null) {
                    room.uncoveredSince = now;
                } else if (room.state == Sessions.State.LIVE && !now.isBefore(room.uncoveredSince.plus(coverageTimeout))) {
                    setState(room, Sessions.State.PAUSED, "coverage");
                    room.pausedForCoverage = true;
                    audit.record(new AuditEvent("system", "session.coverage_pause", "room:" + key, "ok", Map.of()));
                    alerts.coverageLost(client.user, key.room());
                }
            });
        }
    }

    private void setState(Room room, Sessions.State state, String reason) {
        if (room.state == state) {
            return;
        }
        room.state = state;
        room.event(new ServerMessage.SessionStateChanged(room.key.room(), room.nextSeq(), state, reason), rooms.clock.instant(), rooms.recoveryWindow);
    }

    private void close(Room room, String reason) {
        room.state = Sessions.State.ENDED;
        rooms.ended.put(room.key, rooms.clock.instant());
        Outbound ended = Outbound.of(new ServerMessage.SessionStateChanged(room.key.room(), room.nextSeq(),
                Sessions.State.ENDED, reason));
        for (Room.RoomMember m : room.members.values()) {
            for (Connection c : m.connections) {
                c.send(ended);
            }
        }
        for (List<Participant> ws : room.waiting.values()) {
            for (Participant w : ws) {
                w.connection().send(ended);
            }
        }
        room.members.clear();
        room.waiting.clear();
        room.breakouts.clear();
        rooms.rooms.remove(room.key, room);
    }

    /** A refusal inside a control action: answered with its code, audited as refused. */
    private static final class Refused extends RuntimeException {
        final ErrorCode code;

        Refused(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private interface Action {
        Result apply(Room room);
    }

    /** Runs a control action for a facilitator (or co-facilitator) present in the room. */
    private void facilitator(Participant p, RoomKey key, String re, String action, Action body) {
        rooms.onRoom(key, p, re, () -> {
            Room room = rooms.rooms.get(key);
            Room.RoomMember me = room == null ? null : room.member(p.user());
            String outcome = "ok";
            try {
                if (me == null || !me.connections.contains(p.connection())) {
                    throw new Refused(ErrorCode.NOT_A_MEMBER, "join the room first");
                }
                if (!me.roomRole.facilitates()) {
                    throw new Refused(ErrorCode.FORBIDDEN, "only a facilitator may do this");
                }
                RoomService.reply(p.connection(), new ServerMessage.Ok(re, body.apply(room)));
            } catch (Refused r) {
                outcome = "refused:" + r.code.wire();
                RoomService.reply(p.connection(), RoomService.error(re, r.code, r.getMessage()));
            }
            audit.record(new AuditEvent(p.user().user(), action, "room:" + key, outcome, Map.of()));
        });
    }

    /** Members present in a room (tests and metrics). */
    List<String> present(RoomKey key) {
        Room room = rooms.rooms.get(key);
        List<String> out = new ArrayList<>();
        if (room != null) {
            room.members.values().forEach(m -> out.add(m.user.user()));
        }
        return out;
    }
}
