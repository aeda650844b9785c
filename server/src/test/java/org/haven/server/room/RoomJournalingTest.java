package org.haven.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.cluster.Leases;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.haven.server.testing.Inbox;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A journaled room: each event is recorded before anyone receives it, a reply that follows an event
 * waits for it, a slow journal delays events briefly and in order, a record that went out of step
 * starts again with the whole roster, and another node's room service takes
 * the rooms up from the record so a member whose session it does not know recovers what it missed.
 */
class RoomJournalingTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final NodeThreads threads = new NodeThreads();
    private final RoomExecutors executors = new RoomExecutors(threads, 1);

    @AfterEach
    void stop() {
        executors.close();
        threads.close();
        timer.shutdownNow();
    }

    /** A journal whose writes complete when the test says so. */
    static class HeldJournal implements RoomJournal {
        final List<List<Entry>> writes = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Appended>> pending = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Appended> append(RoomKey key, List<Entry> entries) {
            writes.add(entries);
            CompletableFuture<Appended> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        void completeAll(Appended outcome) {
            pending.forEach(f -> f.complete(outcome));
        }

        @Override
        public CompletionStage<List<Recorded>> load(String org) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Void> forget(RoomKey key) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private RoomService rooms(RoomJournal journal) {
        return new RoomService(
                executors,
                Clock.systemUTC(),
                100,
                new IceServers(List.of(), List.of(), null, Duration.ofHours(1), Clock.systemUTC()),
                Duration.ofMinutes(2),
                journal,
                timer);
    }

    private static Participant member(String user, Role role, Inbox inbox) {
        return new Participant(new UserRef("org-1", user), role, "Name of " + user, inbox);
    }

    private static final RoomKey GROUP = new RoomKey("org-1", "group-1");

    @Test
    void membersReceiveAnEventOnlyOnceItIsRecordedAndTheSenderIsToldAfterIt() {
        HeldJournal journal = new HeldJournal();
        RoomService rooms = rooms(journal);
        Inbox alice = new Inbox();
        Inbox bo = new Inbox();
        rooms.join(member("dr-bo", Role.CLINICIAN, bo), GROUP, PresenceStatus.AVAILABLE, new Reply(bo, "1"), () -> {});
        rooms.join(
                member("alice", Role.CLIENT, alice), GROUP, PresenceStatus.AVAILABLE, new Reply(alice, "2"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> !journal.pending.isEmpty());
        journal.completeAll(RoomJournal.Appended.WRITTEN);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !bo.all(ServerMessage.MemberJoined.class).isEmpty());

        int writesBefore = journal.writes.size();
        rooms.chat(member("alice", Role.CLIENT, alice), GROUP, "hello", new Reply(alice, "3"));
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() > writesBefore);
        assertThat(journal.writes.get(writesBefore))
                .extracting(RoomJournal.Entry::frame)
                .anyMatch(f -> f.contains("hello"));
        assertThat(bo.all(ServerMessage.ChatMessage.class))
                .as("not delivered before it is recorded")
                .isEmpty();
        assertThat(alice.received).noneMatch(m -> m instanceof ServerMessage.Ok ok && "3".equals(ok.re()));

        journal.completeAll(RoomJournal.Appended.WRITTEN);
        Awaitility.await()
                .atMost(WAIT)
                .until(() ->
                        alice.received.stream().anyMatch(m -> m instanceof ServerMessage.Ok ok && "3".equals(ok.re())));
        assertThat(bo.all(ServerMessage.ChatMessage.class))
                .extracting(ServerMessage.ChatMessage::text)
                .containsExactly("hello");
        int message = indexOf(alice, m -> m instanceof ServerMessage.ChatMessage);
        int sent = indexOf(alice, m -> m instanceof ServerMessage.Ok ok && "3".equals(ok.re()));
        assertThat(message)
                .as("the sender gets its own message before chat.sent")
                .isLessThan(sent);
    }

    @Test
    void aSlowJournalDelaysEventsOnlyBrieflyAndInOrder() {
        HeldJournal journal = new HeldJournal();
        RoomService rooms = rooms(journal);
        Inbox bo = new Inbox();
        Participant p = member("dr-bo", Role.CLINICIAN, bo);
        rooms.join(p, GROUP, PresenceStatus.AVAILABLE, new Reply(p.connection(), "1"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() == 1);
        for (int i = 0; i < 5; i++) {
            rooms.chat(p, GROUP, "m" + i, new Reply(p.connection(), "c" + i));
        }
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> bo.all(ServerMessage.ChatMessage.class).size() == 5);
        // Nothing was ever acknowledged: each write was sent at once (pipelined) and given up after the wait.
        assertThat(journal.writes).hasSize(6);
        assertThat(journal.writes.subList(1, 6))
                .allSatisfy(w -> assertThat(w)
                        .singleElement()
                        .satisfies(e -> assertThat(e.reset()).isFalse()));
        assertThat(bo.all(ServerMessage.ChatMessage.class))
                .extracting(ServerMessage.ChatMessage::text)
                .containsExactly("m0", "m1", "m2", "m3", "m4");
        rooms.chat(p, GROUP, "m5", new Reply(p.connection(), "c5"));
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() == 7);
        assertThat(journal.writes.get(6).get(0).reset())
                .as("after writes that never completed, the record starts again")
                .isTrue();
    }

    @Test
    void whileTheJournalFailsEventsGoOutInOrderWithoutAWriteEach() {
        AtomicInteger appends = new AtomicInteger();
        RoomJournal down = new HeldJournal() {
            @Override
            public CompletionStage<Appended> append(RoomKey key, List<Entry> entries) {
                appends.incrementAndGet();
                return CompletableFuture.failedFuture(new IllegalStateException("the store is down"));
            }
        };
        RoomService rooms = rooms(down);
        Inbox bo = new Inbox();
        Participant p = member("dr-bo", Role.CLINICIAN, bo);
        rooms.join(p, GROUP, PresenceStatus.AVAILABLE, new Reply(p.connection(), "1"), () -> {});
        for (int i = 0; i < 50; i++) {
            rooms.chat(p, GROUP, "m" + i, new Reply(p.connection(), "c" + i));
        }
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> bo.all(ServerMessage.ChatMessage.class).size() == 50);
        assertThat(bo.all(ServerMessage.ChatMessage.class))
                .extracting(ServerMessage.ChatMessage::text)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50)
                        .mapToObj(i -> "m" + i)
                        .toList());
        assertThat(bo.received.stream()
                        .filter(m -> m instanceof ServerMessage.Ok ok && ok.re().startsWith("c")))
                .as("every post told sent")
                .hasSize(50);
        assertThat(appends.get())
                .as("after a failed write, none is tried for a second: not one per event")
                .isBetween(1, 3);
    }

    @Test
    void aRecordOutOfStepStartsAgainWithTheWholeRoster() {
        HeldJournal journal = new HeldJournal();
        RoomService rooms = rooms(journal);
        Inbox bo = new Inbox();
        Inbox alice = new Inbox();
        rooms.join(member("dr-bo", Role.CLINICIAN, bo), GROUP, PresenceStatus.AVAILABLE, new Reply(bo, "1"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() == 1);
        assertThat(journal.writes.get(0).get(0).reset())
                .as("a room's first entry starts its record")
                .isTrue();
        journal.completeAll(RoomJournal.Appended.WRITTEN);
        rooms.join(
                member("alice", Role.CLIENT, alice), GROUP, PresenceStatus.AVAILABLE, new Reply(alice, "2"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() == 2);
        RoomJournal.Entry joined = journal.writes.get(1).get(0);
        assertThat(joined.reset()).isFalse();
        assertThat(joined.members()).containsOnlyKeys("alice");
        journal.completeAll(RoomJournal.Appended.OUT_OF_STEP);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !bo.all(ServerMessage.MemberJoined.class).isEmpty());

        rooms.chat(member("alice", Role.CLIENT, alice), GROUP, "hi", new Reply(alice, "3"));
        Awaitility.await().atMost(WAIT).until(() -> journal.writes.size() == 3);
        RoomJournal.Entry restarted = journal.writes.get(2).get(0);
        assertThat(restarted.reset()).isTrue();
        assertThat(restarted.members()).containsOnlyKeys("alice", "dr-bo");
        assertThat(restarted.header()).contains("\"state\":\"live\"");
    }

    @Test
    void anotherNodeTakesTheRoomUpAndAMemberItDoesNotKnowRecoversWhatItMissed() {
        InMemoryRoomJournal shared =
                new InMemoryRoomJournal(RoomJournalContract.fenceOf(Leases.sole("n-1")), RoomJournal.MAX_EVENTS);
        RoomService first = rooms(shared);
        Inbox bo = new Inbox();
        Inbox alice = new Inbox();
        Inbox cy = new Inbox();
        Participant boHere = member("dr-bo", Role.CLINICIAN, bo);
        first.join(boHere, GROUP, PresenceStatus.AVAILABLE, new Reply(boHere.connection(), "1"), () -> {});
        first.join(
                member("alice", Role.CLIENT, alice), GROUP, PresenceStatus.AVAILABLE, new Reply(alice, "2"), () -> {});
        first.join(member("cy", Role.CLIENT, cy), GROUP, PresenceStatus.AVAILABLE, new Reply(cy, "3"), () -> {});
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> alice.all(ServerMessage.MemberJoined.class).size() == 1);
        long aliceSaw = alice.all(ServerMessage.MemberJoined.class).get(0).seq();
        first.chat(boHere, GROUP, "while you were away", new Reply(boHere.connection(), "4"));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !cy.all(ServerMessage.ChatMessage.class).isEmpty());

        // The node serving the room is gone; another takes the organisation's rooms up.
        RoomService second = rooms(shared.as(RoomJournalContract.fenceOf(Leases.sole("n-2"))));
        second.restore("org-1").toCompletableFuture().join();
        Inbox aliceAgain = new Inbox();
        second.resumeTakenUp(
                member("alice", Role.CLIENT, aliceAgain), GROUP, aliceSaw, PresenceStatus.AVAILABLE, () -> {});
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !aliceAgain.all(ServerMessage.ChatMessage.class).isEmpty());
        ServerMessage.RoomResumed resumed =
                aliceAgain.all(ServerMessage.RoomResumed.class).get(0);
        assertThat(resumed.recovered()).isTrue();
        assertThat(aliceAgain.all(ServerMessage.ChatMessage.class))
                .extracting(ServerMessage.ChatMessage::text)
                .containsExactly("while you were away");

        Inbox stranger = new Inbox();
        AtomicInteger refused = new AtomicInteger();
        second.resumeTakenUp(
                member("eve", Role.CLIENT, stranger),
                GROUP,
                aliceSaw,
                PresenceStatus.AVAILABLE,
                refused::incrementAndGet);
        Awaitility.await().atMost(WAIT).until(() -> refused.get() == 1);
        assertThat(stranger.all(ServerMessage.RoomResumed.class))
                .singleElement()
                .satisfies(r -> assertThat(r.recovered()).isFalse());

        // Bo and cy do not come back: after the return time they are announced gone, numbered above the old room.
        Awaitility.await()
                .atMost(RoomService.RETURN_AFTER_TAKE_UP.plus(WAIT))
                .until(() -> aliceAgain.all(ServerMessage.MemberLeft.class).size() == 2);
        long lastOld = cy.all(ServerMessage.ChatMessage.class).get(0).seq();
        assertThat(aliceAgain.all(ServerMessage.MemberLeft.class))
                .allSatisfy(m -> assertThat(m.seq()).isGreaterThan(lastOld));
        Result.PresenceList roster = null;
        second.presence(member("alice", Role.CLIENT, aliceAgain), GROUP, new Reply(aliceAgain, "p"));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> aliceAgain.received.stream()
                        .anyMatch(m -> m instanceof ServerMessage.Ok ok && "p".equals(ok.re())));
        for (ServerMessage m : aliceAgain.received) {
            if (m instanceof ServerMessage.Ok ok && ok.result() instanceof Result.PresenceList list) {
                roster = list;
            }
        }
        assertThat(roster).isNotNull();
        assertThat(roster.members()).extracting(org.haven.protocol.Member::user).containsExactly("alice");
    }

    /** An audit trail that keeps nothing: these tests are about rooms. */
    static final org.haven.server.audit.AuditTrail NO_AUDIT = new org.haven.server.audit.AuditTrail() {
        @Override
        public void record(org.haven.server.audit.AuditEvent event) {}

        @Override
        public CompletableFuture<Void> flush() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    };

    private static SessionControl control(RoomService rooms) {
        return new SessionControl(rooms, NO_AUDIT, SessionAlerts.NONE, Duration.ofMinutes(5));
    }

    private static boolean answered(Inbox inbox, String re) {
        return inbox.received.stream()
                .anyMatch(m -> m instanceof ServerMessage.Ok ok && re.equals(ok.re())
                        || m instanceof ServerMessage.Error e && re.equals(e.re()));
    }

    @Test
    void anEndedSessionStaysEndedWhenAnotherNodeTakesItsOrganisationUp() {
        InMemoryRoomJournal shared =
                new InMemoryRoomJournal(RoomJournalContract.fenceOf(Leases.sole("n-1")), RoomJournal.MAX_EVENTS);
        RoomService first = rooms(shared);
        Inbox bo = new Inbox();
        Inbox alice = new Inbox();
        Participant boHere = member("dr-bo", Role.CLINICIAN, bo);
        first.join(boHere, GROUP, PresenceStatus.AVAILABLE, new Reply(boHere.connection(), "1"), () -> {});
        first.join(
                member("alice", Role.CLIENT, alice), GROUP, PresenceStatus.AVAILABLE, new Reply(alice, "2"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> answered(alice, "2"));
        long aliceSaw =
                alice.all(ServerMessage.Ok.class).get(0).result() instanceof Result.RoomSnapshot s ? s.seq() : -1;
        control(first).end(boHere, GROUP, "group finished", new Reply(bo, "3"));
        Awaitility.await().atMost(WAIT).until(() -> answered(bo, "3"));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !alice.all(ServerMessage.SessionStateChanged.class).isEmpty());
        assertThat(alice.all(ServerMessage.SessionStateChanged.class))
                .singleElement()
                .satisfies(e -> assertThat(e.state()).isEqualTo(org.haven.protocol.Sessions.State.ENDED));

        // The node that served the session is gone; another takes the organisation up.
        RoomService second = rooms(shared.as(RoomJournalContract.fenceOf(Leases.sole("n-2"))));
        second.restore("org-1").toCompletableFuture().join();
        Inbox aliceAgain = new Inbox();
        AtomicInteger refused = new AtomicInteger();
        second.resumeTakenUp(
                member("alice", Role.CLIENT, aliceAgain),
                GROUP,
                aliceSaw,
                PresenceStatus.AVAILABLE,
                refused::incrementAndGet);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !aliceAgain.all(ServerMessage.RoomResumed.class).isEmpty());
        assertThat(refused.get()).as("nothing to resume in an ended session").isEqualTo(1);
        assertThat(aliceAgain.all(ServerMessage.RoomResumed.class))
                .singleElement()
                .satisfies(r -> assertThat(r.recovered()).isFalse());
        Inbox boAgain = new Inbox();
        second.join(
                member("dr-bo", Role.CLINICIAN, boAgain),
                GROUP,
                PresenceStatus.AVAILABLE,
                new Reply(boAgain, "4"),
                () -> {});
        Awaitility.await().atMost(WAIT).until(() -> answered(boAgain, "4"));
        assertThat(boAgain.all(ServerMessage.Error.class))
                .as("the end holds on the node that took the session up")
                .singleElement()
                .satisfies(e -> assertThat(e.code()).isEqualTo(org.haven.protocol.ErrorCode.SESSION_ENDED));
    }

    @Test
    void aSessionsConfigurationIsRecordedAtOnceAndHoldsOnTheNodeThatTakesItUp() {
        InMemoryRoomJournal shared =
                new InMemoryRoomJournal(RoomJournalContract.fenceOf(Leases.sole("n-1")), RoomJournal.MAX_EVENTS);
        RoomService first = rooms(shared);
        Inbox bo = new Inbox();
        Participant boHere = member("dr-bo", Role.CLINICIAN, bo);
        first.join(boHere, GROUP, PresenceStatus.AVAILABLE, new Reply(boHere.connection(), "1"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> answered(bo, "1"));
        control(first)
                .configure(boHere, GROUP, org.haven.protocol.Sessions.RoomKind.INDIVIDUAL, true, new Reply(bo, "2"));
        Awaitility.await().atMost(WAIT).until(() -> answered(bo, "2"));

        // No other room event follows: the configuration alone must be in the record.
        RoomService second = rooms(shared.as(RoomJournalContract.fenceOf(Leases.sole("n-2"))));
        second.restore("org-1").toCompletableFuture().join();
        Inbox alice = new Inbox();
        second.join(
                member("alice", Role.CLIENT, alice), GROUP, PresenceStatus.AVAILABLE, new Reply(alice, "3"), () -> {});
        Awaitility.await().atMost(WAIT).until(() -> answered(alice, "3"));
        assertThat(alice.all(ServerMessage.Ok.class))
                .singleElement()
                .satisfies(ok -> assertThat(ok.result())
                        .as("admission is still required")
                        .isInstanceOf(Result.Waiting.class));
        assertThat(second.kindOf(GROUP)).isEqualTo(org.haven.protocol.Sessions.RoomKind.INDIVIDUAL);
    }

    private static int indexOf(Inbox inbox, java.util.function.Predicate<ServerMessage> match) {
        for (int i = 0; i < inbox.received.size(); i++) {
            if (match.test(inbox.received.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
