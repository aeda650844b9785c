package org.haven.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guarantee 1: a client that loses its connection and comes back misses nothing, or is told so. */
class RecoveryIT {

    static final Duration WAIT = Duration.ofSeconds(5);

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b, clock);

    @Test
    void aQuickReconnectRecoversEveryMissedEventOnceInOrderAndNobodySeesAFlap() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(carol, "group-1");
        haven.join(alice, "group-1");
        String token = alice.resumeToken();
        carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "before")).get(5, TimeUnit.SECONDS);
        alice.awaitEvent(ServerMessage.ChatMessage.class, m -> m.text().equals("before"), WAIT);
        Map<String, Long> seen = alice.lastSeq();
        // Everything up to "before" has reached bo too; what he receives from now on is what matters.
        assertThat(bo.awaitEvent(ServerMessage.ChatMessage.class, m -> m.text().equals("before"), WAIT))
                .isNotNull();
        bo.drainEvents();

        alice.abort(); // the network drops: no close frame
        for (int i = 1; i <= 5; i++) {
            String text = "missed " + i;
            carol.request(id -> new ClientMessage.ChatSend(id, "group-1", text)).get(5, TimeUnit.SECONDS);
        }
        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);

        ServerMessage.RoomResumed resumed = back.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT);
        assertThat(resumed.recovered()).isTrue();
        assertThat(resumed.fromSeq()).isEqualTo(seen.get("group-1") + 1);
        List<String> texts = chats(back, 5);
        assertThat(texts).containsExactly("missed 1", "missed 2", "missed 3", "missed 4", "missed 5");

        // Live again, on the same stream, without duplicates.
        carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "after")).get(5, TimeUnit.SECONDS);
        assertThat(chats(back, 1)).containsExactly("after");
        back.request(id -> new ClientMessage.ChatSend(id, "group-1", "I'm back"))
                .get(5, TimeUnit.SECONDS);

        // Nobody saw alice leave or join: the grace period absorbed the drop.
        Thread.sleep(2500); // past the grace period: had a departure been pending, it would show now
        bo.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
        assertThat(bo.drainEvents())
                .noneMatch(e -> e instanceof ServerMessage.MemberLeft || e instanceof ServerMessage.MemberJoined);
    }

    @Test
    void aReconnectAfterTheGraceStillRecoversWithinTheWindow() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        String token = alice.resumeToken();
        Map<String, Long> seen = alice.lastSeq();
        alice.abort();
        assertThat(bo.awaitEvent(ServerMessage.MemberLeft.class, l -> l.user().equals("alice"), WAIT))
                .isNotNull();
        bo.request(id -> new ClientMessage.ChatSend(id, "group-1", "are you there?"))
                .get(5, TimeUnit.SECONDS);

        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.RoomResumed resumed = back.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT);
        assertThat(resumed.recovered()).isTrue();
        List<ServerMessage> replay = new ArrayList<>();
        ServerMessage next;
        while ((next = back.nextEvent(Duration.ofMillis(500))) != null) {
            replay.add(next);
        }
        // Her own leave, the message she missed, her return: each once, in sequence.
        assertThat(replay)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("MemberLeft", "ChatMessage", "MemberJoined");
        long first = ((ServerMessage.RoomEvent) replay.get(0)).seq();
        assertThat(replay)
                .extracting(e -> ((ServerMessage.RoomEvent) e).seq())
                .containsExactly(first, first + 1, first + 2);
        assertThat(first).isEqualTo(resumed.fromSeq());
        assertThat(bo.awaitEvent(
                        ServerMessage.MemberJoined.class, j -> j.member().user().equals("alice"), WAIT))
                .isNotNull();
    }

    @Test
    void whatCannotBeRecoveredIsSaidWithAFreshSnapshot() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        String token = alice.resumeToken();
        Map<String, Long> seen = alice.lastSeq();
        alice.abort();
        bo.request(id -> new ClientMessage.ChatSend(id, "group-1", "missed, then forgotten"))
                .get(5, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(3)); // past the recovery window: that message is let go
        bo.request(id -> new ClientMessage.ChatSend(id, "group-1", "gone too long"))
                .get(5, TimeUnit.SECONDS);

        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.RoomResumed resumed = back.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT);
        assertThat(resumed.recovered()).isFalse();
        assertThat(resumed.snapshot().members())
                .extracting(org.haven.protocol.Member::user)
                .contains("dr-bo", "alice");
        assertThat(resumed.snapshot().seq()).isGreaterThan(seen.get("group-1"));

        // A token used once, or never issued, recovers nothing either.
        HavenClient again = haven.connect();
        again.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, token, seen)
                .get(5, TimeUnit.SECONDS);
        assertThat(again.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT)
                        .recovered())
                .isFalse();
    }

    @Test
    void aResumeCannotEnterARoomTheLostConnectionWasNotIn() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        bo.request(id -> new ClientMessage.SessionConfigure(
                        id, "group-1", org.haven.protocol.Sessions.RoomKind.GROUP, true))
                .get(5, TimeUnit.SECONDS);
        HavenClient eve = haven.connect(); // no check-in, no admission, no token: only a lastSeq
        eve.hello(haven.token("eve", Role.CLIENT, "demo", "group-1"), null, null, Map.of("group-1", 0L))
                .get(5, TimeUnit.SECONDS);
        ServerMessage.RoomResumed resumed = eve.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT);
        assertThat(resumed.recovered()).isFalse();
        assertThat(resumed.snapshot()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> eve.request(id -> new ClientMessage.ChatSend(id, "group-1", "let me in"))
                                .get(5, TimeUnit.SECONDS))
                .hasMessageContaining("not_a_member");
        assertThat(bo.awaitEvent(
                        ServerMessage.MemberJoined.class, j -> j.member().user().equals("eve"), Duration.ofMillis(500)))
                .isNull();
    }

    private static List<String> chats(HavenClient client, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            ServerMessage.ChatMessage m = client.awaitEvent(ServerMessage.ChatMessage.class, c -> true, WAIT);
            assertThat(m).as("chat %s of %s", out.size() + 1, n).isNotNull();
            out.add(m.text());
        }
        ServerMessage extra = client.awaitEvent(ServerMessage.ChatMessage.class, c -> true, Duration.ofMillis(300));
        assertThat(extra).as("a duplicate").isNull();
        return out;
    }
}
