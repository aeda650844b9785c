package org.haven.server.room;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * The live state of one room and the only code that changes it: kind and session state, members
 * (each with the connections they joined through and their role in the room), the waiting room,
 * breakouts, the users removed from the session, and its history. Every change others can see is
 * an event numbered by the room and emitted through its {@link RoomSink} (sent at once, or recorded
 * in the journal first); a change of configuration is recorded through the same sink. Who is in
 * which room is reported to the {@link Membership} (the registry), which alone keeps that index.
 *
 * <p>Threading: confined to the room's executor (a breakout shares its group's), but for
 * {@link #kind()}, which any thread may read.
 *
 * <p>Why one class of some 600 lines: it is the only code that changes a room's state, so each
 * invariant (a member is present or stepped out, never both; every visible change is one numbered
 * event; the end empties the room and holds) is kept in one place. Its parts that need no room
 * state are outside: the history ({@link RoomHistory}), where events go ({@link RoomSink}), the index
 * of rooms ({@link RoomRegistry}) and recovery ({@link RoomRecovery}).
 */
final class Room {

    /** Told when a user becomes a member of a room or stops being one. */
    interface Membership {
        void joined(UserRef user, RoomKey room);

        void left(UserRef user, RoomKey room);
    }

    /** A member: one user, any number of their connections. Changed only by its room. */
    static final class RoomMember {
        final UserRef user;
        final Role role;
        final @Nullable String name;
        final Sessions.RoomRole roomRole;
        private PresenceStatus status;
        /** The breakout this member stepped out into, or null. */
        private @Nullable RoomKey breakout;
        /** The group's sequence number of the step-out: the member heard nothing of the group from it on. */
        private long steppedOutAt;

        private final Set<Connection> connections = new LinkedHashSet<>();

        private RoomMember(
                UserRef user, Role role, @Nullable String name, Sessions.RoomRole roomRole, PresenceStatus status) {
            this.user = user;
            this.role = role;
            this.name = name;
            this.roomRole = roomRole;
            this.status = status;
        }

        PresenceStatus status() {
            return status;
        }

        @Nullable
        RoomKey breakout() {
            return breakout;
        }

        /** This member's connections in the room, in the order they joined. */
        Collection<Connection> connections() {
            return Collections.unmodifiableSet(connections);
        }

        boolean connectedThrough(Connection c) {
            return connections.contains(c);
        }

        /** Whether the member is in the room now: connected, and not stepped out into a breakout. */
        boolean present() {
            return breakout == null && !connections.isEmpty();
        }

        /** One of this member's connections, as a participant (for a move into a breakout). */
        Participant through(Connection c) {
            return new Participant(user, role, name, c);
        }

        Member view() {
            return new Member(user.user(), name, role, roomRole, status, breakout != null);
        }
    }

    final RoomKey key;
    /** The group of a breakout, or null. */
    final @Nullable RoomKey parent;

    private volatile Sessions.RoomKind kind;
    private Sessions.State state = Sessions.State.LIVE;
    private boolean requiresAdmission;
    private @Nullable Instant uncoveredSince;
    private boolean pausedForCoverage;
    /** Users a facilitator removed: they may not come back into this session. */
    private final Set<UserRef> removed = new LinkedHashSet<>();

    private final Map<UserRef, RoomMember> members = new LinkedHashMap<>();
    private final Map<UserRef, List<Participant>> waiting = new LinkedHashMap<>();
    private final Set<RoomKey> breakouts = new LinkedHashSet<>();
    private final RoomHistory history;
    private final RoomSink sink;
    private final Membership membership;
    private final Clock clock;

    /**
     * A room of {@code kind} ({@code parent}: the group of a breakout, else null) whose events are
     * numbered from above {@code firstSeq}, kept for {@code window} and emitted through {@code sink}.
     */
    Room(
            RoomKey key,
            Sessions.RoomKind kind,
            @Nullable RoomKey parent,
            long firstSeq,
            Duration window,
            RoomSink sink,
            Membership membership,
            Clock clock) {
        this.key = key;
        this.kind = kind;
        this.parent = parent;
        this.history = new RoomHistory(firstSeq, window);
        this.sink = sink;
        this.membership = membership;
        this.clock = clock;
    }

    // ---- reading (room thread, but kind) -------------------------------------------------------

    Sessions.RoomKind kind() {
        return kind;
    }

    Sessions.State state() {
        return state;
    }

    boolean requiresAdmission() {
        return requiresAdmission;
    }

    boolean pausedForCoverage() {
        return pausedForCoverage;
    }

    boolean journaled() {
        return sink.journal() != null;
    }

    long seq() {
        return history.seq();
    }

    boolean isEmpty() {
        return members.isEmpty() && waiting.isEmpty();
    }

    int size() {
        return members.size();
    }

    @Nullable
    RoomMember member(UserRef user) {
        return members.get(user);
    }

    Collection<RoomMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    boolean wasRemoved(UserRef user) {
        return removed.contains(user);
    }

    Set<RoomKey> breakouts() {
        return Collections.unmodifiableSet(breakouts);
    }

    boolean contains(Connection connection, UserRef user) {
        RoomMember m = members.get(user);
        return m != null && m.connections.contains(connection);
    }

    /** Whether any member facilitates this room (a clinician is present). */
    boolean hasFacilitator() {
        for (RoomMember m : members.values()) {
            if (m.roomRole.facilitates() && m.present()) {
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
    @Nullable
    RoomMember firstParticipant() {
        for (RoomMember m : members.values()) {
            if (m.roomRole == Sessions.RoomRole.PARTICIPANT && m.present()) {
                return m;
            }
        }
        return null;
    }

    /** The role {@code p} takes on joining, or null when their role may not join a room of this kind. */
    Sessions.@Nullable RoomRole roleFor(Participant p) {
        return switch (p.role()) {
            case CLINICIAN -> hasFacilitatorMember() ? Sessions.RoomRole.CO_FACILITATOR : Sessions.RoomRole.FACILITATOR;
            case CLIENT -> Sessions.RoomRole.PARTICIPANT;
            case SUPPORT -> kind == Sessions.RoomKind.FAMILY ? Sessions.RoomRole.SUPPORT : null;
            case SUPERVISOR -> Sessions.RoomRole.OBSERVER;
        };
    }

    /** Whether {@code roomRole} waits to be admitted to this room rather than joining at once. */
    boolean waitsForAdmission(Sessions.RoomRole roomRole) {
        return requiresAdmission
                && (roomRole == Sessions.RoomRole.PARTICIPANT || roomRole == Sessions.RoomRole.SUPPORT);
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
            out.add(new Member(
                    p.user().user(),
                    p.name(),
                    p.role(),
                    Sessions.RoomRole.PARTICIPANT,
                    PresenceStatus.AVAILABLE,
                    false));
        }
        return out;
    }

    /** The room as a joiner sees it, with {@code ice} for their media. */
    Result.RoomSnapshot snapshot(List<Sessions.IceServer> ice) {
        return new Result.RoomSnapshot(
                key.room(), history.seq(), kind, state, parent == null ? null : parent.room(), roster(), ice);
    }

    /** The session state as recorded in the journal. */
    RoomRecords.Header header() {
        List<String> out = removed.isEmpty()
                ? List.of()
                : removed.stream().map(UserRef::user).toList();
        return new RoomRecords.Header(kind, state, requiresAdmission, pausedForCoverage, out);
    }

    /** The events after {@code lastSeq}, in order, when all are kept; null when some are gone. */
    @Nullable
    List<Outbound> since(long lastSeq) {
        return history.since(lastSeq);
    }

    /**
     * The events after {@code lastSeq} that {@code member} would have heard: for a member stepped
     * out into a breakout, none from the step-out on (the group was not theirs to hear meanwhile).
     */
    @Nullable
    List<Outbound> since(long lastSeq, RoomMember member) {
        return member.breakout == null ? history.since(lastSeq) : history.since(lastSeq, member.steppedOutAt);
    }

    /** Runs {@code send} after every event so far is delivered: a reply after an event never overtakes it. */
    void afterEvents(Runnable send) {
        sink.after(send);
    }

    // ---- membership ----------------------------------------------------------------------------

    /**
     * Adds a participant's connection as a member with {@code roomRole}, telling the others when the
     * user is new; a facilitator's arrival ends a pause for coverage.
     */
    RoomMember admit(Participant p, Sessions.RoomRole roomRole, PresenceStatus status) {
        RoomMember member = members.get(p.user());
        if (member == null) {
            member = new RoomMember(p.user(), p.role(), p.name(), roomRole, status);
            members.put(p.user(), member);
            membership.joined(p.user(), key);
            emit(new ServerMessage.MemberJoined(key.room(), history.next(), member.view()));
        }
        member.connections.add(p.connection());
        if (pausedForCoverage && member.roomRole.facilitates()) {
            pausedForCoverage = false;
            uncoveredSince = null;
            changeState(Sessions.State.LIVE, "facilitator present");
        }
        return member;
    }

    /** A member whose connection {@code lost} dropped carries on through {@code now}; false when not a member by it. */
    boolean reconnect(UserRef user, @Nullable Connection lost, Connection now) {
        RoomMember member = members.get(user);
        if (member == null || lost == null || !member.connections.remove(lost)) {
            return false;
        }
        member.connections.add(now);
        return true;
    }

    /** A member not connected yet (taken up from the journal) comes back through {@code c}. */
    void attach(RoomMember member, Connection c) {
        member.connections.add(c);
    }

    /** Takes one connection out of the room, announcing the leave when it was the user's last. */
    void detach(UserRef user, @Nullable Connection connection) {
        RoomMember member = members.get(user);
        if (member == null) {
            return;
        }
        member.connections.remove(connection);
        if (member.connections.isEmpty()) {
            members.remove(user);
            membership.left(user, key);
            emit(new ServerMessage.MemberLeft(key.room(), history.next(), user.user()));
        }
    }

    /** Members taken up from the journal who never came back are gone. */
    void dropAbsent() {
        for (RoomMember m : List.copyOf(members.values())) {
            if (m.connections.isEmpty()) {
                detach(m.user, null);
            }
        }
    }

    /** Shows a member's new presence status; false when nothing changed. */
    boolean status(UserRef user, PresenceStatus status) {
        RoomMember member = members.get(user);
        if (member == null || member.status == status) {
            return false;
        }
        member.status = status;
        emit(new ServerMessage.PresenceChanged(key.room(), history.next(), user.user(), status));
        return true;
    }

    /** Posts to the group chat; returns the message's sequence number. */
    long chat(Participant p, String text) {
        long seq = history.next();
        Instant now = clock.instant();
        emit(new ServerMessage.ChatMessage(key.room(), seq, p.user().user(), p.name(), text, now));
        return seq;
    }

    /**
     * Posts a notice from outside the room ({@code from}: {@code service:<name>}) to the members
     * present, numbered and kept like every event; returns it.
     */
    ServerMessage.RoomNotice notice(String from, String text) {
        ServerMessage.RoomNotice notice =
                new ServerMessage.RoomNotice(key.room(), history.next(), from, text, clock.instant());
        emit(notice);
        return notice;
    }

    // ---- the waiting room ----------------------------------------------------------------------

    /** Puts {@code p} in the waiting room; the facilitators see the new list. */
    void enqueue(Participant p) {
        waiting.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p);
        showWaitingList();
    }

    /** Takes one waiting connection out; false when it was not waiting. */
    boolean dequeue(Participant p) {
        List<Participant> ws = waiting.get(p.user());
        if (ws == null || !ws.removeIf(w -> w.connection() == p.connection())) {
            return false;
        }
        if (ws.isEmpty()) {
            waiting.remove(p.user());
        }
        showWaitingList();
        return true;
    }

    /** Takes every waiting connection of {@code user} out (to admit or decline them); null when none waits. */
    @Nullable
    List<Participant> takeWaiting(UserRef user) {
        List<Participant> ws = waiting.remove(user);
        if (ws != null) {
            showWaitingList();
        }
        return ws;
    }

    private void showWaitingList() {
        toFacilitators(Outbound.of(new ServerMessage.WaitingList(key.room(), waitingList())));
    }

    // ---- session state -------------------------------------------------------------------------

    /** Sets the session's kind and admission rule; recorded at once when journaled. */
    void configure(Sessions.RoomKind newKind, boolean admission) {
        kind = newKind;
        requiresAdmission = admission;
        sink.stateChanged(this, clock.instant());
    }

    void pause() {
        changeState(Sessions.State.PAUSED, null);
    }

    /** A facilitator resumes the session (also one paused for coverage). */
    void resume() {
        uncoveredSince = null;
        pausedForCoverage = false;
        changeState(Sessions.State.LIVE, null);
    }

    /**
     * The coverage rule at {@code now}: a room with a client present and no facilitator for longer
     * than {@code timeout} is paused. Returns the client left alone when this call paused the room,
     * else null.
     */
    @Nullable
    RoomMember checkCoverage(Instant now, Duration timeout) {
        RoomMember client = firstParticipant();
        if (client == null || hasFacilitator()) {
            uncoveredSince = null;
            if (pausedForCoverage && hasFacilitator()) {
                pausedForCoverage = false;
                changeState(Sessions.State.LIVE, "facilitator present");
            }
            return null;
        }
        if (uncoveredSince == null) {
            uncoveredSince = now;
        } else if (state == Sessions.State.LIVE && !now.isBefore(uncoveredSince.plus(timeout))) {
            pausedForCoverage = true;
            changeState(Sessions.State.PAUSED, "coverage");
            return client;
        }
        return null;
    }

    /** Bars {@code user} from the session: they may not come back. Their connections are detached by the caller. */
    void bar(UserRef user) {
        removed.add(user);
    }

    /**
     * Ends the session: every member (those stepped out too) and everyone waiting is told, with the
     * reason, and the room is empty. When journaled, the end replaces the room's record, so the node
     * that takes the organisation up next keeps the session ended.
     */
    void end(String reason) {
        state = Sessions.State.ENDED;
        Delivery.Builder everyone = new Delivery.Builder();
        for (RoomMember m : members.values()) {
            m.connections.forEach(everyone::add);
        }
        for (List<Participant> ws : waiting.values()) {
            ws.forEach(w -> everyone.add(w.connection()));
        }
        ServerMessage.SessionStateChanged ended =
                new ServerMessage.SessionStateChanged(key.room(), history.next(), Sessions.State.ENDED, reason);
        Outbound frame = Outbound.of(ended);
        Instant now = clock.instant();
        history.add(ended.seq(), frame, now);
        sink.emit(this, ended, frame, now, everyone.build());
        for (UserRef user : List.copyOf(members.keySet())) {
            membership.left(user, key);
        }
        members.clear();
        waiting.clear();
        breakouts.clear();
    }

    private void changeState(Sessions.State newState, @Nullable String reason) {
        if (state == newState) {
            return;
        }
        state = newState;
        emit(new ServerMessage.SessionStateChanged(key.room(), history.next(), newState, reason));
    }

    // ---- breakouts -----------------------------------------------------------------------------

    void addBreakout(RoomKey breakout) {
        breakouts.add(breakout);
    }

    void dropBreakout(RoomKey breakout) {
        breakouts.remove(breakout);
    }

    /** {@code member} steps out into {@code breakout}; the group sees only that. */
    void stepOut(RoomMember member, RoomKey breakout) {
        member.breakout = breakout;
        long seq = history.next();
        member.steppedOutAt = seq;
        emit(new ServerMessage.SteppedOut(key.room(), seq, member.user.user()));
    }

    /** {@code user} is back from {@code breakout}; the group sees them return. False when they were not out there. */
    boolean returnFrom(UserRef user, RoomKey breakout) {
        RoomMember member = members.get(user);
        if (member == null || !breakout.equals(member.breakout)) {
            return false;
        }
        member.breakout = null;
        emit(new ServerMessage.Returned(key.room(), history.next(), user.user()));
        return true;
    }

    /** A member whose breakout is gone is simply back, with nothing to announce (it never reached the group). */
    void forgetBreakout(RoomMember member) {
        member.breakout = null;
    }

    /** Everyone in a breakout leaves it at once (it ends); nobody is told here. */
    List<RoomMember> empty() {
        List<RoomMember> out = List.copyOf(members.values());
        for (UserRef user : List.copyOf(members.keySet())) {
            membership.left(user, key);
        }
        members.clear();
        return out;
    }

    // ---- taken up from the journal -------------------------------------------------------------

    /**
     * Continues a room as the node that served it before recorded it: its session state, its recent
     * events (numbered before this life's) and its members, none connected. Members who were in a
     * breakout are back in the group (breakouts are not recorded), and announced so.
     */
    void takeUp(RoomRecords.Header header, Map<String, Member> recordedMembers, List<RoomJournal.Event> events) {
        history.takeUp(events);
        state = header.state();
        requiresAdmission = header.admission();
        pausedForCoverage = header.pausedForCoverage();
        header.removed().forEach(u -> removed.add(new UserRef(key.org(), u)));
        List<UserRef> steppedOut = new ArrayList<>();
        recordedMembers.forEach((user, m) -> {
            UserRef ref = new UserRef(key.org(), user);
            members.put(ref, new RoomMember(ref, m.role(), m.name(), m.roomRole(), m.status()));
            membership.joined(ref, key);
            if (m.steppedOut()) {
                steppedOut.add(ref);
            }
        });
        for (UserRef u : steppedOut) {
            emit(new ServerMessage.Returned(key.room(), history.next(), u.user()));
        }
    }

    // ---- sending -------------------------------------------------------------------------------

    /** Emits an event (numbered just now) to the connections present, keeping it for recovery. */
    private void emit(ServerMessage.RoomEvent event) {
        Outbound frame = Outbound.of(event);
        Instant now = clock.instant();
        history.add(event.seq(), frame, now);
        sink.emit(this, event, frame, now, present());
    }

    /** The connections present in the room now (members stepped out into a breakout hear nothing of it), those of other nodes by route. */
    private Delivery present() {
        Delivery.Builder out = new Delivery.Builder();
        for (RoomMember m : members.values()) {
            if (m.breakout != null) {
                continue;
            }
            m.connections.forEach(out::add);
        }
        return out.build();
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
