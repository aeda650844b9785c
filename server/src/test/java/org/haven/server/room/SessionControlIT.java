package org.haven.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Live session control over real WebSockets: roles, waiting room, pause, breakouts, coverage, signalling. */
class SessionControlIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String TURN_SECRET = "turn-shared-secret";

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(
            b -> b.stunUrls(List.of("stun:stun.haven.test:3478"))
                    .turnUrls(List.of("turn:turn.haven.test:3478?transport=udp"))
                    .turnSecret(TURN_SECRET),
            clock);

    @Test
    void rolesInTheRoomAreShownToEveryoneAndTheSnapshotCarriesIceServers() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        HavenClient kim = haven.login("sup-kim", Role.SUPERVISOR, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient mum = haven.login("mum", Role.SUPPORT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(cy, "group-1");
        haven.join(kim, "group-1");
        Result.RoomSnapshot seen = haven.join(alice, "group-1");
        assertThat(seen.roomKind()).isEqualTo(Sessions.RoomKind.GROUP);
        assertThat(seen.state()).isEqualTo(Sessions.State.LIVE);
        assertThat(seen.members())
                .extracting(Member::user, Member::roomRole)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dr-bo", Sessions.RoomRole.FACILITATOR),
                        org.assertj.core.groups.Tuple.tuple("dr-cy", Sessions.RoomRole.CO_FACILITATOR),
                        org.assertj.core.groups.Tuple.tuple("sup-kim", Sessions.RoomRole.OBSERVER),
                        org.assertj.core.groups.Tuple.tuple("alice", Sessions.RoomRole.PARTICIPANT));

        Sessions.IceServer turn = seen.iceServers().get(1);
        assertThat(seen.iceServers().get(0).urls()).containsExactly("stun:stun.haven.test:3478");
        assertThat(turn.urls()).containsExactly("turn:turn.haven.test:3478?transport=udp");
        long expiry = Long.parseLong(turn.username().split(":")[0]);
        assertThat(turn.username()).endsWith(":alice");
        assertThat(expiry)
                .isBetween(
                        clock.instant().getEpochSecond() + 3500, clock.instant().getEpochSecond() + 3700);
        assertThat(turn.credential())
                .isEqualTo(IceServers.credential(TURN_SECRET.getBytes(StandardCharsets.UTF_8), turn.username()));

        // A support person joins family sessions only.
        Replies.assertError(mum.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.FORBIDDEN);
        bo.request(id -> new ClientMessage.SessionConfigure(id, "group-1", Sessions.RoomKind.FAMILY, false))
                .get(5, TimeUnit.SECONDS);
        assertThat(haven.join(mum, "group-1").members())
                .extracting(Member::roomRole)
                .contains(Sessions.RoomRole.SUPPORT);
        Replies.assertError(alice.request(id -> new ClientMessage.SessionPause(id, "group-1")), ErrorCode.FORBIDDEN);
    }

    @Test
    void theWaitingRoomAdmitsAndDeclines() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient eve = haven.login("eve", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        bo.request(id -> new ClientMessage.SessionConfigure(id, "group-1", Sessions.RoomKind.GROUP, true))
                .get(5, TimeUnit.SECONDS);

        haven.checkIn(alice, "group-1");
        assertThat(alice.request(id -> new ClientMessage.RoomJoin(id, "group-1"))
                        .get(5, TimeUnit.SECONDS)
                        .result())
                .isEqualTo(new Result.Waiting("group-1"));
        ServerMessage.WaitingList list =
                bo.awaitEvent(ServerMessage.WaitingList.class, w -> !w.waiting().isEmpty(), WAIT);
        assertThat(list.waiting()).extracting(Member::user).containsExactly("alice");
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "hello?")), ErrorCode.NOT_A_MEMBER);

        bo.request(id -> new ClientMessage.RoomAdmit(id, "group-1", "alice")).get(5, TimeUnit.SECONDS);
        ServerMessage.Admitted admitted = alice.awaitEvent(ServerMessage.Admitted.class, a -> true, WAIT);
        assertThat(admitted.snapshot().members()).extracting(Member::user).containsExactly("dr-bo", "alice");
        assertThat(bo.awaitEvent(
                        ServerMessage.MemberJoined.class, j -> j.member().user().equals("alice"), WAIT))
                .isNotNull();
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "thanks")).get(5, TimeUnit.SECONDS);

        haven.checkIn(eve, "group-1");
        eve.request(id -> new ClientMessage.RoomJoin(id, "group-1")).get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.RoomDecline(id, "group-1", "eve")).get(5, TimeUnit.SECONDS);
        assertThat(eve.awaitEvent(ServerMessage.Declined.class, d -> true, WAIT))
                .isNotNull();
        Replies.assertError(bo.request(id -> new ClientMessage.RoomAdmit(id, "group-1", "eve")), ErrorCode.NOT_FOUND);
        Replies.assertError(
                alice.request(id -> new ClientMessage.RoomAdmit(id, "group-1", "eve")), ErrorCode.FORBIDDEN);
    }

    @Test
    void pauseHoldsEveryoneAndRefusesParticipantsChat() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        bo.request(id -> new ClientMessage.SessionPause(id, "group-1")).get(5, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class, s -> s.state() == Sessions.State.PAUSED, WAIT))
                .isNotNull();
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "hello?")), ErrorCode.SESSION_PAUSED);
        bo.request(id -> new ClientMessage.ChatSend(id, "group-1", "we will be back shortly"))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.SessionResume(id, "group-1")).get(5, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class, s -> s.state() == Sessions.State.LIVE, WAIT))
                .isNotNull();
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "ok")).get(5, TimeUnit.SECONDS);
        Replies.assertError(alice.request(id -> new ClientMessage.SessionPause(id, "group-1")), ErrorCode.FORBIDDEN);

        // Every control action, allowed or refused, is in the audit trail.
        var audited =
                ((org.haven.server.audit.InMemoryAuditTrail) haven.server().audit()).records();
        assertThat(audited).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("session.pause");
            assertThat(r.actor()).isEqualTo("dr-bo");
            assertThat(r.outcome()).isEqualTo("ok");
        });
        assertThat(audited).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("session.resume");
            assertThat(r.outcome()).isEqualTo("ok");
        });
        assertThat(audited).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("session.pause");
            assertThat(r.actor()).isEqualTo("alice");
            assertThat(r.outcome()).isEqualTo("refused:forbidden");
        });
    }

    @Test
    void aBreakoutForAnAlertIsDiscreetFromStartToReturn() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        carol.drainEvents();

        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", Alerts.Kind.SEVERE_ANXIETY, null),
                        Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS)
                .alert();
        Result.BreakoutStarted started = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, alert),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.BreakoutMoved moved = alice.awaitEvent(ServerMessage.BreakoutMoved.class, m -> true, WAIT);
        assertThat(moved.breakout()).isEqualTo(started.breakout());
        assertThat(moved.peers()).containsExactly("dr-bo");
        assertThat(moved.snapshot().roomKind()).isEqualTo(Sessions.RoomKind.BREAKOUT);
        assertThat(moved.snapshot().parent()).isEqualTo("group-1");
        assertThat(bo.awaitEvent(ServerMessage.BreakoutMoved.class, m -> true, WAIT)
                        .peers())
                .containsExactly("alice");

        // Private chat and signalling in the breakout; the group carries on without them.
        alice.request(id -> new ClientMessage.ChatSend(id, started.breakout(), "I can't breathe"))
                .get(5, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(ServerMessage.ChatMessage.class, m -> m.text().equals("I can't breathe"), WAIT))
                .isNotNull();
        alice.request(id -> new ClientMessage.RtcSignal(id, started.breakout(), "dr-bo", Sessions.Signal.OFFER, "v=0"))
                .get(5, TimeUnit.SECONDS);
        carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "where did they go?"))
                .get(5, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(
                        ServerMessage.ChatMessage.class,
                        m -> m.text().equals("where did they go?"),
                        Duration.ofMillis(400)))
                .isNull();
        Replies.assertError(
                carol.request(id -> new ClientMessage.RtcSignal(id, "group-1", "alice", Sessions.Signal.OFFER, "v=0")),
                ErrorCode.NOT_A_MEMBER);
        Replies.assertError(
                carol.request(id -> new ClientMessage.ChatSend(id, started.breakout(), "hi")), ErrorCode.NOT_A_MEMBER);

        bo.request(id -> new ClientMessage.BreakoutReturn(id, started.breakout()))
                .get(5, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(ServerMessage.BreakoutEnded.class, e -> true, WAIT))
                .isNotNull();
        bo.drainEvents();
        bo.request(id -> new ClientMessage.AlertList(id)).get(5, TimeUnit.SECONDS);
        Alerts.View view = bo.call(id -> new ClientMessage.AlertList(id), Result.AlertList.class)
                .get(5, TimeUnit.SECONDS)
                .alerts()
                .get(0);
        assertThat(view.actions()).extracting(Alerts.Action::type).contains(Alerts.ActionType.MOVED_TO_BREAKOUT);

        // What the rest of the group saw: two members stepped out, then returned. Nothing else.
        carol.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
        List<ServerMessage> seen = carol.drainEvents();
        assertThat(seen)
                .filteredOn(e -> e instanceof ServerMessage.SteppedOut)
                .extracting(e -> ((ServerMessage.SteppedOut) e).user())
                .containsExactly("alice", "dr-bo");
        assertThat(seen)
                .filteredOn(e -> e instanceof ServerMessage.Returned)
                .extracting(e -> ((ServerMessage.Returned) e).user())
                .containsExactlyInAnyOrder("alice", "dr-bo");
        for (ServerMessage e : seen) {
            String text = ProtocolCodec.instance().encode(e);
            assertThat(text)
                    .doesNotContain(alert)
                    .doesNotContain("alert")
                    .doesNotContain("anxiety")
                    .doesNotContain("breakout")
                    .doesNotContain("~b-")
                    .doesNotContain("I can't breathe");
        }
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "I'm back"))
                .get(5, TimeUnit.SECONDS);
        assertThat(carol.awaitEvent(
                        ServerMessage.ChatMessage.class, m -> m.text().equals("I'm back"), WAIT))
                .isNotNull();
    }

    @Test
    void aClientWhoDropsInABreakoutIsPutBackThereOnReconnect() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        String breakout = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, null),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS)
                .breakout();
        alice.awaitEvent(ServerMessage.BreakoutMoved.class, m -> true, WAIT);
        String token = alice.resumeToken();
        var seen = alice.lastSeq();
        alice.abort(); // wifi blip in the middle of the breakout
        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.BreakoutMoved again = back.awaitEvent(ServerMessage.BreakoutMoved.class, m -> true, WAIT);
        assertThat(again.breakout()).isEqualTo(breakout);
        assertThat(again.peers()).containsExactly("dr-bo");
        bo.request(id -> new ClientMessage.ChatSend(id, breakout, "still with me?"))
                .get(5, TimeUnit.SECONDS);
        assertThat(back.awaitEvent(
                        ServerMessage.ChatMessage.class, m -> m.text().equals("still with me?"), WAIT))
                .isNotNull();
        back.request(id -> new ClientMessage.ChatSend(id, breakout, "yes")).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClientWhoDropsInABreakoutRecoversWhatWasSaidThereAndNothingOfTheGroup() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        String breakout = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, null),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS)
                .breakout();
        alice.awaitEvent(ServerMessage.BreakoutMoved.class, m -> true, WAIT);
        carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "group chat while alice is out"))
                .get(5, TimeUnit.SECONDS);
        String token = alice.resumeToken();
        var seen = alice.lastSeq();
        assertThat(seen).as("the breakout's number, from breakout.moved").containsKey(breakout);
        alice.abort();
        bo.request(id -> new ClientMessage.ChatSend(id, breakout, "while you were away"))
                .get(5, TimeUnit.SECONDS);

        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.ChatSend(id, breakout, "marker")).get(5, TimeUnit.SECONDS);
        List<ServerMessage> received = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received.stream()
                        .noneMatch(m -> m instanceof ServerMessage.ChatMessage c
                                && c.text().equals("marker"))
                && System.nanoTime() < deadline) {
            ServerMessage next = back.nextEvent(Duration.ofMillis(200));
            if (next != null) {
                received.add(next);
            }
        }
        List<String> chat = received.stream()
                .filter(ServerMessage.ChatMessage.class::isInstance)
                .map(m -> ((ServerMessage.ChatMessage) m).text())
                .toList();
        assertThat(chat)
                .as("what was said in the breakout meanwhile, once, then live; nothing of the group stepped out of")
                .containsExactly("while you were away", "marker");
        assertThat(received)
                .filteredOn(ServerMessage.RoomResumed.class::isInstance)
                .map(m -> (ServerMessage.RoomResumed) m)
                .filteredOn(r -> r.room().equals(breakout))
                .singleElement()
                .matches(ServerMessage.RoomResumed::recovered);
        assertThat(received).anyMatch(ServerMessage.BreakoutMoved.class::isInstance);
    }

    @Test
    void endingTheGroupEndsItsBreakoutsAndTellsEveryone() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        String breakout = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, null),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS)
                .breakout();
        bo.request(id -> new ClientMessage.SessionEnd(id, "group-1", "session over"))
                .get(5, TimeUnit.SECONDS);
        // The breakout ends first, then the group.
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class,
                        s -> s.state() == Sessions.State.ENDED && s.room().equals(breakout),
                        WAIT))
                .isNotNull();
        for (HavenClient member : List.of(alice, carol, bo)) {
            ServerMessage.SessionStateChanged ended = member.awaitEvent(
                    ServerMessage.SessionStateChanged.class,
                    s -> s.state() == Sessions.State.ENDED && s.room().equals("group-1"),
                    WAIT);
            assertThat(ended.reason()).isEqualTo("session over");
        }
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, breakout, "hello?")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(
                carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "hello?")), ErrorCode.NOT_A_MEMBER);
        // The end holds: the room does not quietly open again.
        Replies.assertError(carol.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.SESSION_ENDED);
    }

    @Test
    void aFacilitatorRemovesAParticipant() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        Replies.assertError(
                alice.request(id -> new ClientMessage.RoomRemove(id, "group-1", "carol")), ErrorCode.FORBIDDEN);
        bo.request(id -> new ClientMessage.RoomRemove(id, "group-1", "carol")).get(5, TimeUnit.SECONDS);
        assertThat(carol.awaitEvent(ServerMessage.Removed.class, r -> true, WAIT))
                .isNotNull();
        assertThat(alice.awaitEvent(
                        ServerMessage.MemberLeft.class, l -> l.user().equals("carol"), WAIT))
                .isNotNull();
        Replies.assertError(
                carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "hey")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(carol.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.FORBIDDEN);
    }

    @Test
    void signallingReachesOneNamedPeerOfTheSameRoomOnly() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1", "group-2");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient dave = haven.login("dave", Role.CLIENT, "demo", "group-2");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(dave, "group-2");
        String sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        alice.request(id -> new ClientMessage.RtcSignal(id, "group-1", "dr-bo", Sessions.Signal.OFFER, sdp))
                .get(5, TimeUnit.SECONDS);
        ServerMessage.RtcRelay relay = bo.awaitEvent(ServerMessage.RtcRelay.class, r -> true, WAIT);
        assertThat(relay.from()).isEqualTo("alice");
        assertThat(relay.signal()).isEqualTo(Sessions.Signal.OFFER);
        assertThat(relay.payload()).isEqualTo(sdp);
        Replies.assertError(
                alice.request(id -> new ClientMessage.RtcSignal(id, "group-1", "dave", Sessions.Signal.OFFER, sdp)),
                ErrorCode.NOT_A_MEMBER);
        Replies.assertError(
                alice.request(id -> new ClientMessage.RtcSignal(id, "group-2", "dave", Sessions.Signal.OFFER, sdp)),
                ErrorCode.FORBIDDEN);
        Replies.assertError(
                alice.request(id -> new ClientMessage.RtcSignal(
                        id,
                        "group-1",
                        "dr-bo",
                        Sessions.Signal.OFFER,
                        "x".repeat(SessionControl.MAX_SIGNAL_CHARS + 1))),
                ErrorCode.TOO_LARGE);
        assertThat(dave.awaitEvent(ServerMessage.RtcRelay.class, r -> true, Duration.ofMillis(300)))
                .isNull();
    }

    @Test
    void clientsLeftWithoutAFacilitatorArePausedAndOnCallIsAlerted() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient night = haven.login("dr-night", Role.CLINICIAN, "demo");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        night.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        bo.close(); // the facilitator's connection drops
        assertThat(alice.awaitEvent(
                        ServerMessage.MemberLeft.class, l -> l.user().equals("dr-bo"), WAIT))
                .isNotNull();
        // The periodic check first notes the room uncovered at the clock's time; moving the clock past
        // the coverage time-out then pauses it. Keep moving until the pause arrives.
        var pausedRef = new java.util.concurrent.atomic.AtomicReference<ServerMessage.SessionStateChanged>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            clock.advance(Duration.ofSeconds(31));
            pausedRef.set(alice.awaitEvent(
                    ServerMessage.SessionStateChanged.class,
                    s -> s.state() == Sessions.State.PAUSED,
                    Duration.ofMillis(1200)));
            return pausedRef.get() != null;
        });
        ServerMessage.SessionStateChanged paused = pausedRef.get();
        assertThat(paused.reason()).isEqualTo("coverage");
        ServerMessage.AlertNotice coverage = night.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().source() == Alerts.Source.COVERAGE, WAIT);
        assertThat(coverage.alert().room()).isEqualTo("group-1");
        assertThat(coverage.alert().severity()).isEqualTo(Alerts.Severity.HIGH);
        assertThat(coverage.alert().clientName()).isEqualTo("Name of alice");

        // A facilitator arrives: the session goes on by itself.
        HavenClient boAgain = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(boAgain, "group-1");
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class, s -> s.state() == Sessions.State.LIVE, WAIT))
                .isNotNull();
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "thank you"))
                .get(5, TimeUnit.SECONDS);
    }
}
