package org.haven.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.Awaitility;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Session control in process, with no sockets: who may act, the waiting room, removal, breakouts,
 * the coverage rule on a stepped clock, and the end of a session reaching everyone.
 */
class SessionControlTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final RoomKey GROUP = new RoomKey("org-1", "group-1");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final NodeThreads threads = new NodeThreads();
    private final RoomExecutors executors = new RoomExecutors(threads, 2);
    private final RoomService rooms = new RoomService(
            executors,
            clock,
            100,
            new IceServers(List.of(), List.of(), null, Duration.ofHours(1), clock),
            Duration.ofMinutes(2),
            RoomJournal.NONE,
            timer);
    private final List<String> coverageAlerts = new CopyOnWriteArrayList<>();
    private final List<String> breakoutAlerts = new CopyOnWriteArrayList<>();
    private final SessionControl control = new SessionControl(
            rooms,
            RoomJournalingTest.NO_AUDIT,
            new SessionAlerts() {
                @Override
                public void coverageLost(UserRef client, String room) {
                    coverageAlerts.add(client.user() + "@" + room);
                }

                @Override
                public void movedToBreakout(String alertId, UserRef by, String breakout) {
                    breakoutAlerts.add(alertId);
                }
            },
            Duration.ofSeconds(30));

    private final Inbox bo = new Inbox();
    private final Inbox alice = new Inbox();
    private final Inbox cy = new Inbox();
    private final Participant boHere = member("dr-bo", Role.CLINICIAN, bo);
    private final Participant aliceHere = member("alice", Role.CLIENT, alice);
    private final Participant cyHere = member("cy", Role.CLIENT, cy);

    @AfterEach
    void stop() {
        executors.close();
        threads.close();
        timer.shutdownNow();
    }

    private static Participant member(String user, Role role, Inbox inbox) {
        return new Participant(new UserRef("org-1", user), role, "Name of " + user, inbox);
    }

    /** Sends a request and waits for its answer: the Ok's result, or the error. */
    private ServerMessage answer(Inbox inbox, String re, java.util.function.Consumer<Reply> request) {
        request.accept(new Reply(inbox, re));
        Awaitility.await().atMost(WAIT).until(() -> find(inbox, re) != null);
        return find(inbox, re);
    }

    private static ServerMessage find(Inbox inbox, String re) {
        for (ServerMessage m : inbox.received) {
            if (m instanceof ServerMessage.Ok ok && re.equals(ok.re())
                    || m instanceof ServerMessage.Error e && re.equals(e.re())) {
                return m;
            }
        }
        return null;
    }

    private static ErrorCode code(ServerMessage m) {
        return m instanceof ServerMessage.Error e ? e.code() : null;
    }

    private void join(Participant p, Inbox inbox, String re) {
        answer(inbox, re, r -> rooms.join(p, GROUP, PresenceStatus.AVAILABLE, r, () -> {}));
    }

    @Test
    void onlyAFacilitatorPresentControlsTheSessionAndAPauseSilencesClients() {
        join(boHere, bo, "1");
        join(aliceHere, alice, "2");
        assertThat(code(answer(alice, "3", r -> control.pause(aliceHere, GROUP, r))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(code(answer(cy, "4", r -> control.pause(cyHere, GROUP, r)))).isEqualTo(ErrorCode.NOT_A_MEMBER);
        assertThat(answer(bo, "5", r -> control.pause(boHere, GROUP, r))).isInstanceOf(ServerMessage.Ok.class);
        assertThat(code(answer(alice, "6", r -> rooms.chat(aliceHere, GROUP, "hi", r))))
                .isEqualTo(ErrorCode.SESSION_PAUSED);
        assertThat(answer(bo, "7", r -> rooms.chat(boHere, GROUP, "a word from the facilitator", r)))
                .isInstanceOf(ServerMessage.Ok.class);
        answer(bo, "8", r -> control.resume(boHere, GROUP, r));
        assertThat(answer(alice, "9", r -> rooms.chat(aliceHere, GROUP, "hi", r)))
                .isInstanceOf(ServerMessage.Ok.class);
        assertThat(alice.all(ServerMessage.SessionStateChanged.class))
                .extracting(ServerMessage.SessionStateChanged::state)
                .containsExactly(Sessions.State.PAUSED, Sessions.State.LIVE);
    }

    @Test
    void theWaitingRoomAdmitsAndDeclinesAndARemovedClientCannotComeBack() {
        join(boHere, bo, "1");
        answer(bo, "2", r -> control.configure(boHere, GROUP, Sessions.RoomKind.GROUP, true, r));
        assertThat(((ServerMessage.Ok) answer(
                                alice, "3", r -> rooms.join(aliceHere, GROUP, PresenceStatus.AVAILABLE, r, () -> {})))
                        .result())
                .isInstanceOf(Result.Waiting.class);
        answer(cy, "4", r -> rooms.join(cyHere, GROUP, PresenceStatus.AVAILABLE, r, () -> {}));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> bo.all(ServerMessage.WaitingList.class).stream()
                        .anyMatch(w -> w.waiting().size() == 2));
        answer(bo, "5", r -> control.admit(boHere, GROUP, "alice", r));
        answer(bo, "6", r -> control.decline(boHere, GROUP, "cy", r));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !alice.all(ServerMessage.Admitted.class).isEmpty()
                        && !cy.all(ServerMessage.Declined.class).isEmpty());
        assertThat(code(answer(bo, "7", r -> control.admit(boHere, GROUP, "nobody", r))))
                .isEqualTo(ErrorCode.NOT_FOUND);

        answer(bo, "8", r -> control.remove(boHere, GROUP, "alice", r));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !alice.all(ServerMessage.Removed.class).isEmpty());
        Inbox aliceAgain = new Inbox();
        assertThat(code(answer(
                        aliceAgain,
                        "9",
                        r -> rooms.join(
                                member("alice", Role.CLIENT, aliceAgain),
                                GROUP,
                                PresenceStatus.AVAILABLE,
                                r,
                                () -> {}))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void aBreakoutIsPrivateAndItsMembersReturnToTheGroup() {
        join(boHere, bo, "1");
        join(aliceHere, alice, "2");
        join(cyHere, cy, "3");
        Result.BreakoutStarted started = (Result.BreakoutStarted)
                ((ServerMessage.Ok) answer(bo, "4", r -> control.startBreakout(boHere, GROUP, "alice", null, "a-1", r)))
                        .result();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> cy.all(ServerMessage.SteppedOut.class).size() == 2);
        assertThat(alice.all(ServerMessage.BreakoutMoved.class))
                .singleElement()
                .satisfies(m -> assertThat(m.peers()).containsExactly("dr-bo"));
        assertThat(breakoutAlerts).containsExactly("a-1");
        answer(cy, "5", r -> rooms.chat(cyHere, GROUP, "only the group hears this", r));
        assertThat(alice.all(ServerMessage.ChatMessage.class))
                .as("stepped out: the group is not heard")
                .isEmpty();

        RoomKey breakout = new RoomKey("org-1", started.breakout());
        assertThat(code(answer(cy, "6", r -> control.endBreakout(cyHere, breakout, r))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        answer(bo, "7", r -> control.endBreakout(boHere, breakout, r));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> cy.all(ServerMessage.Returned.class).size() == 2);
        assertThat(alice.all(ServerMessage.BreakoutEnded.class)).hasSize(1);
    }

    @Test
    void aClientLeftWithoutAFacilitatorPastTheTimeOutPausesTheSessionAndAlertsOnCall() {
        join(boHere, bo, "1");
        join(aliceHere, alice, "2");
        answer(bo, "3", r -> rooms.leave(boHere, GROUP, r));
        control.checkCoverage();
        clock.advance(Duration.ofSeconds(29));
        control.checkCoverage();
        Awaitility.await().during(Duration.ofMillis(200)).atMost(WAIT).until(coverageAlerts::isEmpty);
        clock.advance(Duration.ofSeconds(1));
        control.checkCoverage();
        Awaitility.await().atMost(WAIT).until(() -> coverageAlerts.size() == 1);
        assertThat(coverageAlerts).containsExactly("alice@group-1");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !alice.all(ServerMessage.SessionStateChanged.class).isEmpty());
        assertThat(alice.all(ServerMessage.SessionStateChanged.class).get(0).reason())
                .isEqualTo("coverage");

        join(boHere, bo, "4");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> alice.all(ServerMessage.SessionStateChanged.class).size() == 2);
        assertThat(alice.all(ServerMessage.SessionStateChanged.class).get(1).state())
                .isEqualTo(Sessions.State.LIVE);
    }

    @Test
    void theEndReachesEveryoneWaitingAndSteppedOutAndHolds() {
        join(boHere, bo, "1");
        join(aliceHere, alice, "2");
        answer(bo, "3", r -> control.startBreakout(boHere, GROUP, "alice", null, null, r));
        answer(bo, "4", r -> control.configure(boHere, GROUP, Sessions.RoomKind.GROUP, true, r));
        answer(cy, "5", r -> rooms.join(cyHere, GROUP, PresenceStatus.AVAILABLE, r, () -> {}));
        answer(bo, "6", r -> control.end(boHere, GROUP, "group finished", r));
        for (Inbox inbox : List.of(bo, alice, cy)) {
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> inbox.all(ServerMessage.SessionStateChanged.class).stream()
                            .anyMatch(e -> e.state() == Sessions.State.ENDED
                                    && e.room().equals("group-1")));
        }
        assertThat(rooms.roomCount()).as("the group and its breakout are gone").isZero();
        Inbox late = new Inbox();
        assertThat(code(answer(
                        late,
                        "7",
                        r -> rooms.join(
                                member("dee", Role.CLIENT, late), GROUP, PresenceStatus.AVAILABLE, r, () -> {}))))
                .isEqualTo(ErrorCode.SESSION_ENDED);
        clock.advance(RoomRegistry.ENDED_HOLD.plusSeconds(1));
        assertThat(answer(
                        late,
                        "8",
                        r -> rooms.join(
                                member("dee", Role.CLIENT, late), GROUP, PresenceStatus.AVAILABLE, r, () -> {})))
                .as("after the hold, a new session of the same room")
                .isInstanceOf(ServerMessage.Ok.class);
    }
}
