package org.haven.server.room;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.request.Reply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything by which a room outlives a connection or a node: a client resuming after a dropped
 * connection, the rooms of an organisation taken up from the journal when the node that served it
 * stopped, and the replay of missed events that answers both. Never a silent gap: a client either
 * receives every event it missed, once and in order, or is told it was not recovered, with a
 * snapshot.
 *
 * <p>Threading: each operation runs on its room's executor.
 */
final class RoomRecovery {

    private static final Logger log = LoggerFactory.getLogger(RoomRecovery.class);

    /** How long members of a room taken up from the journal have to come back before they are announced gone. */
    static final Duration RETURN_AFTER_TAKE_UP = Duration.ofSeconds(3);

    private final RoomRegistry registry;
    private final RoomRequests requests;
    private final ScheduledExecutorService timer;
    /** Organisations whose recorded rooms are being taken up. */
    private final Map<String, CompletableFuture<Void>> restoring = new ConcurrentHashMap<>();

    RoomRecovery(RoomRegistry registry, RoomRequests requests, ScheduledExecutorService timer) {
        this.registry = registry;
        this.requests = requests;
        this.timer = timer;
    }

    /** See {@link RoomService#resume}. */
    void resume(
            Participant p,
            RoomKey key,
            long lastSeq,
            @Nullable Connection lost,
            PresenceStatus status,
            Map<String, Long> breakoutSeqs) {
        requests.onRoom(key, Reply.none(), () -> {
            Room room = registry.get(key);
            if (registry.recentlyEnded(key) || (room != null && room.wasRemoved(p.user()))) {
                // The session ended, or the user was removed, while they were away: nothing to resume.
                RoomRequests.reply(p.connection(), new ServerMessage.RoomResumed(key.room(), false, null, null));
                breakoutsOver(p, key, breakoutSeqs, null);
                return;
            }
            if (room == null) {
                room = registry.open(key);
            }
            Room.RoomMember member = room.member(p.user());
            if (!room.reconnect(p.user(), lost, p.connection())
                    && (member == null || !member.connectedThrough(p.connection()))) {
                Sessions.RoomRole roomRole = room.roleFor(p);
                member = room.admit(p, roomRole == null ? Sessions.RoomRole.PARTICIPANT : roomRole, status);
            }
            replay(room, p, lastSeq, room.member(p.user()));
            RoomKey back = member != null && member.breakout() != null
                    ? rejoinBreakout(room, member, p, lost, breakoutSeqs)
                    : null;
            breakoutsOver(p, key, breakoutSeqs, back);
        });
    }

    /**
     * Every breakout of group {@code group} in the client's {@code lastSeq} but the one it is back
     * in ({@code back}, or none) is over for it: each answered {@code room.resumed}, not recovered.
     */
    private static void breakoutsOver(
            Participant p, RoomKey group, Map<String, Long> breakoutSeqs, @Nullable RoomKey back) {
        for (String b : breakoutSeqs.keySet()) {
            RoomKey other = new RoomKey(group.org(), b);
            if (other.grantRoom().equals(group.room()) && !other.equals(back)) {
                RoomRequests.reply(p.connection(), new ServerMessage.RoomResumed(b, false, null, null));
            }
        }
    }

    /** See {@link RoomService#resumeTakenUp}. */
    void resumeTakenUp(Participant p, RoomKey key, long lastSeq, PresenceStatus status, Runnable onRefused) {
        requests.onRoom(key, Reply.none(), () -> {
            Room room = registry.get(key);
            Room.RoomMember member = room == null ? null : room.member(p.user());
            if (room == null || member == null || !member.connections().isEmpty() || room.wasRemoved(p.user())) {
                onRefused.run();
                RoomRequests.reply(p.connection(), new ServerMessage.RoomResumed(key.room(), false, null, null));
                return;
            }
            room.attach(member, p.connection());
            replay(room, p, lastSeq, member);
            room.status(p.user(), status);
        });
    }

    /** See {@link RoomService#restore}. */
    CompletionStage<Integer> restore(String org) {
        if (!registry.records()) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger found = new AtomicInteger();
        restoring.put(org, done);
        registry.journal().load(org).whenComplete((recorded, failure) -> {
            if (failure != null) {
                log.warn(
                        "rooms not taken up org={} ({}); they start afresh",
                        org,
                        failure.getClass().getSimpleName());
                recorded = List.of();
            }
            found.set(recorded.size());
            AtomicInteger left = new AtomicInteger(recorded.size() + 1);
            Runnable one = () -> {
                if (left.decrementAndGet() == 0) {
                    restoring.remove(org, done);
                    done.complete(null);
                }
            };
            for (RoomJournal.Recorded r : recorded) {
                RoomKey key = new RoomKey(org, r.room());
                requests.execute(key, () -> {
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
        return done.thenApply(v -> found.get());
    }

    /** See {@link RoomService#restored}. */
    CompletionStage<Void> restored(String org) {
        CompletableFuture<Void> pending = restoring.get(org);
        return pending == null ? CompletableFuture.completedFuture(null) : pending;
    }

    /** One recorded room, taken up. Room thread only. */
    private void takeUp(RoomKey key, RoomJournal.Recorded recorded) {
        if (registry.get(key) != null || key.isBreakout()) {
            return;
        }
        RoomRecords.Header header = RoomRecords.header(recorded.header());
        if (header.state() == Sessions.State.ENDED) {
            List<RoomJournal.Event> events = recorded.events();
            registry.endedAt(
                    key,
                    events.isEmpty()
                            ? registry.clock().instant()
                            : Instant.ofEpochMilli(events.get(events.size() - 1).at()));
            return;
        }
        Map<String, Member> members = new LinkedHashMap<>();
        recorded.members().forEach((user, text) -> members.put(user, RoomRecords.member(text)));
        Room room = registry.group(key, header.kind());
        if (!registry.add(room)) {
            return;
        }
        room.takeUp(header, members, recorded.events());
        timer.schedule(
                () -> requests.execute(key, () -> announceAbsent(room)),
                RETURN_AFTER_TAKE_UP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Members of a room taken up who did not come back are gone. Room thread only. */
    private void announceAbsent(Room room) {
        if (registry.get(room.key) != room) {
            return;
        }
        room.dropAbsent();
        registry.retireIfEmpty(room);
    }

    /**
     * Answers a resume in {@code room}: {@code room.resumed} recovered and every event after
     * {@code lastSeq}, once, in order, when all are kept; otherwise not recovered, with a snapshot.
     * A member stepped out into a breakout gets none of the group's events from the step-out on.
     * Room thread only.
     */
    private void replay(Room room, Participant p, long lastSeq, Room.@Nullable RoomMember member) {
        List<Outbound> missed = member == null ? room.since(lastSeq) : room.since(lastSeq, member);
        if (missed == null) {
            RoomRequests.reply(
                    p.connection(),
                    new ServerMessage.RoomResumed(room.key.room(), false, null, requests.snapshot(room, p.user())));
        } else {
            RoomRequests.reply(p.connection(), new ServerMessage.RoomResumed(room.key.room(), true, lastSeq + 1, null));
            for (Outbound frame : missed) {
                p.connection().send(frame);
            }
        }
    }

    /**
     * A member who was in a breakout when their connection dropped is put back there, and told so
     * ({@code breakout.moved}); when the client says the last number it received there, and every
     * event after it is kept, {@code room.resumed} for the breakout follows with those events, once,
     * in order (what was said there while they were away).
     */
    private @Nullable RoomKey rejoinBreakout(
            Room group,
            Room.RoomMember member,
            Participant p,
            @Nullable Connection lost,
            Map<String, Long> breakoutSeqs) {
        Room breakout = registry.get(Objects.requireNonNull(member.breakout(), "called for a member in a breakout"));
        if (breakout == null) {
            group.forgetBreakout(member);
            return null;
        }
        Room.RoomMember inBreakout = breakout.member(p.user());
        if (inBreakout == null) {
            return null;
        }
        if (!breakout.reconnect(p.user(), lost, p.connection())) {
            breakout.attach(inBreakout, p.connection());
        }
        List<String> peers = breakout.members().stream()
                .map(m -> m.user)
                .filter(u -> !u.equals(p.user()))
                .map(u -> u.user())
                .toList();
        RoomRequests.reply(
                p.connection(),
                new ServerMessage.BreakoutMoved(
                        group.key.room(), breakout.key.room(), peers, requests.snapshot(breakout, p.user())));
        Long seen = breakoutSeqs.get(breakout.key.room());
        if (seen == null) {
            return breakout.key;
        }
        List<Outbound> missed = breakout.since(seen);
        if (missed == null) {
            RoomRequests.reply(
                    p.connection(),
                    new ServerMessage.RoomResumed(
                            breakout.key.room(), false, null, requests.snapshot(breakout, p.user())));
            return breakout.key;
        }
        RoomRequests.reply(p.connection(), new ServerMessage.RoomResumed(breakout.key.room(), true, seen + 1, null));
        for (Outbound frame : missed) {
            p.connection().send(frame);
        }
        return breakout.key;
    }
}
