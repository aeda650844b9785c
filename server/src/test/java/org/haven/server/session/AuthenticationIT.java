package org.haven.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.CloseStatus;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolVersion;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hello gate and the token's life on a connection, over real WebSockets. */
class AuthenticationIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.helloTimeout(Duration.ofMillis(800)));

    @Test
    void welcomesAValidToken() throws Exception {
        HavenClient client = haven.connect();
        Result.Welcome welcome = client.hello(haven.token("alice", Role.CLIENT, "demo", "group-1", "group-2"))
                .get(5, TimeUnit.SECONDS);
        assertThat(welcome.protocol()).isEqualTo(ProtocolVersion.CURRENT);
        assertThat(welcome.user()).isEqualTo("alice");
        assertThat(welcome.org()).isEqualTo("demo");
        assertThat(welcome.role()).isEqualTo(Role.CLIENT);
        assertThat(welcome.rooms()).containsExactly("group-1", "group-2");
        assertThat(welcome.limits().maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(welcome.connection()).startsWith("c-");
    }

    @Test
    void closesWhenNoHelloArrivesInTime() throws Exception {
        HavenClient client = haven.connect();
        assertThat(closeOf(client).code()).isEqualTo(CloseCode.AUTH_TIMEOUT.code());
    }

    @Test
    void closesWhenTheFirstMessageIsNotHello() throws Exception {
        HavenClient client = haven.connect();
        client.request(id -> new ClientMessage.RoomJoin(id, "group-1"));
        assertThat(closeOf(client).code()).isEqualTo(CloseCode.AUTH_REQUIRED.code());
    }

    @Test
    void closesWhenTheFirstFrameIsGarbage() throws Exception {
        HavenClient client = haven.connect();
        client.sendText("{oops");
        assertThat(closeOf(client).code()).isEqualTo(CloseCode.AUTH_REQUIRED.code());
    }

    @Test
    void closesOnAForgedToken() throws Exception {
        String token = haven.token("alice", Role.CLIENT, "demo", "group-1");
        String forged =
                token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        HavenClient client = haven.connect();
        client.hello(forged);
        CloseStatus status = closeOf(client);
        assertThat(status.code()).isEqualTo(CloseCode.AUTH_FAILED.code());
        assertThat(status.reason()).contains("signature");
    }

    @Test
    void closesOnAnExpiredToken() throws Exception {
        HavenClient client = haven.connect();
        client.hello(haven.token("alice", Role.CLIENT, "demo", Duration.ofSeconds(-30), "group-1"));
        assertThat(closeOf(client).code()).isEqualTo(CloseCode.AUTH_FAILED.code());
    }

    @Test
    void closesWhenNoProtocolVersionIsShared() throws Exception {
        HavenClient client = haven.connect();
        var reply =
                client.request(id -> new ClientMessage.Hello(id, haven.token("a", Role.CLIENT, "demo"), List.of(99)));
        Replies.assertError(reply, ErrorCode.INVALID_MESSAGE);
        assertThat(closeOf(client).code()).isEqualTo(CloseCode.UNSUPPORTED_VERSION.code());
    }

    @Test
    void refusesASecondHelloButStaysUsable() throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        Replies.assertError(
                client.hello(haven.token("alice", Role.CLIENT, "demo", "group-1")), ErrorCode.ALREADY_AUTHENTICATED);
        client.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
    }

    @Test
    void closesWhenTheTokenExpires() throws Exception {
        HavenClient client = haven.connect();
        client.hello(haven.token("alice", Role.CLIENT, "demo", Duration.ofSeconds(2), "group-1"))
                .get(5, TimeUnit.SECONDS);
        // expiry (2 s, whole seconds) plus the 1 s skew of the test server
        assertThat(client.closeFuture().get(6, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.TOKEN_EXPIRED.code());
    }

    @Test
    void aRefreshedTokenKeepsTheConnectionOpen() throws Exception {
        HavenClient client = haven.connect();
        client.hello(haven.token("alice", Role.CLIENT, "demo", Duration.ofSeconds(2), "group-1"))
                .get(5, TimeUnit.SECONDS);
        String fresh = haven.token("alice", Role.CLIENT, "demo", Duration.ofHours(1), "group-1");
        Result.TokenRefreshed refreshed = client.call(
                        id -> new ClientMessage.TokenRefresh(id, fresh), Result.TokenRefreshed.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(refreshed.tokenExpiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
        Thread.sleep(3500); // past the first token's expiry and skew
        assertThat(client.closeFuture()).isNotDone();
        client.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRefreshCannotSwitchUsers() throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        String other = haven.token("mallory", Role.CLIENT, "demo", "group-1");
        Replies.assertError(client.request(id -> new ClientMessage.TokenRefresh(id, other)), ErrorCode.TOKEN_REJECTED);
        String elevated = haven.token("alice", Role.CLINICIAN, "demo", "group-1");
        Replies.assertError(
                client.request(id -> new ClientMessage.TokenRefresh(id, elevated)), ErrorCode.TOKEN_REJECTED);
        Replies.assertError(
                client.request(id -> new ClientMessage.TokenRefresh(id, "not.a.token")), ErrorCode.TOKEN_REJECTED);
    }

    @Test
    void aRefreshWithFewerGrantsLeavesTheRoomsNoLongerGranted() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1", "group-2");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(alice, "group-1");
        haven.join(bo, "group-1");
        String narrower = haven.token("alice", Role.CLIENT, "demo", Duration.ofHours(2), "group-2");
        alice.request(id -> new ClientMessage.TokenRefresh(id, narrower)).get(5, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        org.haven.protocol.ServerMessage.MemberLeft.class,
                        e -> e.user().equals("alice"),
                        Duration.ofSeconds(5)))
                .isNotNull();
        Replies.assertError(alice.request(id -> new ClientMessage.ChatSend(id, "group-1", "hi")), ErrorCode.FORBIDDEN);
    }

    private static CloseStatus closeOf(HavenClient client) throws Exception {
        return client.closeFuture().get(5, TimeUnit.SECONDS);
    }
}
