package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health, readiness, graceful shutdown and slow consumers on a real server. */
class LifecycleIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.requestsPerSecond(10_000)
            .requestBurst(10_000)
            .outboundQueueMessages(512)
            .outboundQueueBytes(1024 * 1024));

    /** Keep-alive out of the way, so that only the outbound queue can close a client that stops reading. */
    @RegisterExtension
    final TestServer patient = new TestServer(b -> b.requestsPerSecond(10_000)
            .requestBurst(10_000)
            .maxChatChars(15_000)
            .pingInterval(Duration.ofSeconds(20))
            .idleTimeout(Duration.ofSeconds(60))
            .outboundQueueMessages(512)
            .outboundQueueBytes(1024 * 1024));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAndReadiness() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("ready");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void aQuietButHealthyClientStaysConnected() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        Thread.sleep(haven.server().config().transport().idleTimeout().toMillis() * 2);
        assertThat(alice.closeFuture()).isNotDone();
        alice.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shutdownTellsEveryClientGoingAway() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.server().close();
        assertThat(alice.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.GOING_AWAY.code());
        assertThat(bo.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.GOING_AWAY.code());
        assertThat(haven.server().isReady()).isFalse();
    }

    @Test
    void aClientThatStopsReadingIsClosedWhileOthersCarryOn() throws Exception {
        HavenClient frozen = patient.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = patient.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient carol = patient.login("carol", Role.CLIENT, "demo", "group-1");
        for (HavenClient c : List.of(frozen, bo, carol)) {
            patient.join(c, "group-1");
        }
        frozen.stopReading();
        String text = "y".repeat(15_000);
        List<java.util.concurrent.CompletableFuture<ServerMessage.Ok>> sent = new ArrayList<>();
        for (int i = 0; i < 4000 && patient.server().closedWith(CloseCode.SLOW_CONSUMER) == 0; i++) {
            sent.add(bo.request(id -> new ClientMessage.ChatSend(id, "group-1", text)));
            if (i % 20 == 19) {
                sent.get(sent.size() - 1).get(5, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> patient.server().closedWith(CloseCode.SLOW_CONSUMER) == 1);
        assertThat(carol.awaitEvent(
                        ServerMessage.MemberLeft.class, e -> e.user().equals("alice"), Duration.ofSeconds(5)))
                .isNotNull();
        bo.request(id -> new ClientMessage.ChatSend(id, "group-1", "after")).get(5, TimeUnit.SECONDS);
        assertThat(carol.awaitEvent(
                        ServerMessage.ChatMessage.class, e -> e.text().equals("after"), Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(patient.server().closedWith(CloseCode.SLOW_CONSUMER)).isEqualTo(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
