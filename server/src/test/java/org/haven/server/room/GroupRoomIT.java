package org.haven.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group rooms over real WebSockets: snapshot, join and leave events, chat in order, presence. */
class GroupRoomIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final TestServer haven = new TestServer();

    @Test
    void twoClientsSeeEachOtherAndChatInOrder() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");

        Result.RoomSnapshot first = join(alice, "group-1");
        assertThat(first.members()).extracting(Member::user).containsExactly("alice");

        Result.RoomSnapshot second = join(bo, "group-1");
        assertThat(second.members()).extracting(Member::user).containsExactly("alice", "dr-bo");
        assertThat(second.members()).extracting(Member::role).containsExactly(Role.CLIENT, Role.CLINICIAN);
        assertThat(second.members()).extracting(Member::status).containsOnly(PresenceStatus.AVAILABLE);

        ServerMessage.MemberJoined joined = alice.awaitEvent(ServerMessage.MemberJoined.class, e -> true, WAIT);
        assertThat(joined.member().user()).isEqualTo("dr-bo");
        assertThat(joined.seq()).isEqualTo(second.seq());

        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HavenClient from = i % 2 == 0 ? alice : bo;
            String text = "message " + i;
            sent.add(from.call(id -> new ClientMessage.ChatSend(id, "group-1", text), Result.ChatSent.class)
                    .get(5, TimeUnit.SECONDS)
                    .seq());
        }
        for (HavenClient reader : List.of(alice, bo)) {
            List<ServerMessage.ChatMessage> got = new ArrayList<>();
            while (got.size() < 10) {
                ServerMessage.ChatMessage m = reader.awaitEvent(ServerMessage.ChatMessage.class, e -> true, WAIT);
                assertThat(m).as("chat message %s", got.size()).isNotNull();
                got.add(m);
            }
            assertThat(got)
                    .extracting(ServerMessage.ChatMessage::text)
                    .containsExactly(
                            "message 0",
                            "message 1",
                            "message 2",
                            "message 3",
                            "message 4",
                            "message 5",
                            "message 6",
                            "message 7",
                            "message 8",
                            "message 9");
            assertThat(got).extracting(ServerMessage.ChatMessage::seq).containsExactlyElementsOf(sent);
            assertThat(got.get(0).from()).isEqualTo("alice");
            assertThat(got.get(0).name()).isEqualTo("Name of alice");
        }
        // Sequence numbers are consecutive: one per room event.
        for (int i = 1; i < sent.size(); i++) {
            assertThat(sent.get(i)).isEqualTo(sent.get(i - 1) + 1);
        }
        assertThat(sent.get(0)).isEqualTo(second.seq() + 1);
    }

    @Test
    void presenceStatusIsPushedAndQueryable() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        join(alice, "group-1");
        join(bo, "group-1");

        bo.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        ServerMessage.PresenceChanged changed = alice.awaitEvent(
                ServerMessage.PresenceChanged.class, e -> e.user().equals("dr-bo"), WAIT);
        assertThat(changed.status()).isEqualTo(PresenceStatus.ON_CALL);

        Result.PresenceList list = alice.call(
                        id -> new ClientMessage.PresenceQuery(id, "group-1"), Result.PresenceList.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(list.members())
                .extracting(Member::user, Member::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alice", PresenceStatus.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple("dr-bo", PresenceStatus.ON_CALL));

        // A client may not claim a care-team status.
        Replies.assertError(
                alice.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL)), ErrorCode.FORBIDDEN);
    }

    @Test
    void othersSeeALeaveWhenAConnectionClosesOrBreaks() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        join(alice, "group-1");
        join(carol, "group-1");
        join(bo, "group-1");
        bo.drainEvents();

        alice.close();
        assertThat(bo.awaitEvent(ServerMessage.MemberLeft.class, e -> e.user().equals("alice"), WAIT))
                .isNotNull();

        carol.abort(); // TCP gone without a close frame
        assertThat(bo.awaitEvent(ServerMessage.MemberLeft.class, e -> e.user().equals("carol"), WAIT))
                .isNotNull();
    }

    @Test
    void aFrozenPeerIsDetectedByPingsWithinFiveSeconds() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        join(alice, "group-1");
        join(bo, "group-1");
        bo.drainEvents();

        long start = System.nanoTime();
        alice.stopReading(); // no more pongs: like a device that lost its network without a FIN
        ServerMessage.MemberLeft left =
                bo.awaitEvent(ServerMessage.MemberLeft.class, e -> e.user().equals("alice"), Duration.ofSeconds(7));
        assertThat(left).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aUserWithTwoConnectionsLeavesWhenTheLastOneGoes() throws Exception {
        HavenClient phone = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient laptop = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        join(bo, "group-1");
        join(phone, "group-1");
        Result.RoomSnapshot again = join(laptop, "group-1");
        assertThat(again.members()).extracting(Member::user).containsExactly("dr-bo", "alice");

        phone.close();
        laptop.request(id -> new ClientMessage.ChatSend(id, "group-1", "still here"))
                .get(5, TimeUnit.SECONDS);
        ServerMessage first = bo.awaitEvent(
                ServerMessage.class,
                e -> e instanceof ServerMessage.ChatMessage || e instanceof ServerMessage.MemberLeft,
                WAIT);
        assertThat(first).isInstanceOf(ServerMessage.ChatMessage.class);

        laptop.close();
        assertThat(bo.awaitEvent(ServerMessage.MemberLeft.class, e -> e.user().equals("alice"), WAIT))
                .isNotNull();
    }

    @Test
    void joinAndChatAreAuthorizedOnEveryRequest() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        Replies.assertError(alice.request(id -> new ClientMessage.RoomJoin(id, "group-2")), ErrorCode.FORBIDDEN);
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "hi")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(alice.request(id -> new ClientMessage.ChatSend(id, "group-2", "hi")), ErrorCode.FORBIDDEN);
        Replies.assertError(
                alice.request(id -> new ClientMessage.PresenceQuery(id, "group-1")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(alice.request(id -> new ClientMessage.RoomLeave(id, "group-1")), ErrorCode.NOT_A_MEMBER);
        join(alice, "group-1");
        Replies.assertError(alice.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.ALREADY_JOINED);
        String tooLong = "x".repeat(haven.server().config().rooms().maxChatChars() + 1);
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, "group-1", tooLong)), ErrorCode.TOO_LARGE);
        alice.request(id -> new ClientMessage.RoomLeave(id, "group-1")).get(5, TimeUnit.SECONDS);
        Replies.assertError(
                alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "hi")), ErrorCode.NOT_A_MEMBER);
    }

    @Test
    void organisationsNeverShareARoom() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient mallory = haven.login("mallory", Role.CLINICIAN, "other-org", "group-1");
        join(alice, "group-1");
        Result.RoomSnapshot theirs = join(mallory, "group-1");
        assertThat(theirs.members()).extracting(Member::user).containsExactly("mallory");
        mallory.request(id -> new ClientMessage.ChatSend(id, "group-1", "anyone?"))
                .get(5, TimeUnit.SECONDS);
        alice.request(id -> new ClientMessage.Ping(id)).get(5, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(ServerMessage.class, e -> true, Duration.ofMillis(300)))
                .isNull();
    }

    Result.RoomSnapshot join(HavenClient client, String room) throws Exception {
        return haven.join(client, room);
    }
}
