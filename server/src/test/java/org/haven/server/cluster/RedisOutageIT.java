package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.StoredAlert;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on a real Redis that dies and comes back: the node stays up and says it is degraded, its
 * rooms go on, an alert raised meanwhile still reaches the clinician connected here and is stored
 * once Redis is back.
 */
class RedisOutageIT {

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.redisUrl(redis.url()));

    private String readiness() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(haven.httpBase() + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void staysUpDegradedKeepsRoomsGoingAndStoresTheAlertWhenRedisReturns() throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness().equals("200 {\"status\":\"ready\"}"));
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.join(alice, "group-1");

        redis.kill();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness().equals("200 {\"status\":\"degraded\"}"));

        alice.call(id -> new ClientMessage.ChatSend(id, "group-1", "still here?"), Result.ChatSent.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        ServerMessage.ChatMessage.class, m -> m.text().equals("still here?"), Duration.ofSeconds(5)))
                .as("the room goes on without Redis")
                .isNotNull();

        // Not durable yet, so the raiser is not told "received" (and is pointed to the crisis line),
        // but the clinician connected here gets the alert now.
        Replies.assertError(
                alice.request(id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH)),
                ErrorCode.ALERT_UNCONFIRMED);
        ServerMessage.AlertNotice notice =
                bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofSeconds(5));
        assertThat(notice).as("the alert reaches the clinician connected here").isNotNull();
        assertThat(notice.alert().checkIn())
                .as("with the location the client confirmed before Redis went away")
                .isNotNull();
        assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        String alert = notice.alert().id();

        // Redis command latencies are among the node's metrics.
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(haven.httpBase() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics).contains("lettuce_command_completion_seconds_count{", "command=\"EVALSHA\"");

        redis.restart();
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> readiness().equals("200 {\"status\":\"ready\"}"));
        // Redis came back empty: the node registers its connections again, and its users are online.
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> haven.server()
                        .engines()
                        .presence()
                        .get(new UserRef("demo", "alice"))
                        .toCompletableFuture()
                        .get(2, TimeUnit.SECONDS)
                        .online());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(haven.server()
                                .alertStore()
                                .unclosed()
                                .toCompletableFuture()
                                .get(2, TimeUnit.SECONDS))
                        .extracting(StoredAlert::view)
                        .extracting(Alerts.View::id)
                        .contains(alert));
    }

    @Test
    void anAlertRaisedAfterRedisCameBackEmptyCarriesTheLocationConfirmedBefore() throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness().equals("200 {\"status\":\"ready\"}"));
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        // A client of her own: the other test leaves an open alert of alice's in the store.
        HavenClient ana = haven.login("ana", Role.CLIENT, "demo", "group-1");
        haven.join(ana, "group-1"); // checks in

        redis.restart(); // no persistence: the check-in is gone from the store
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> readiness().equals("200 {\"status\":\"ready\"}"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> haven.server()
                        .engines()
                        .care()
                        .latestCheckIn(new UserRef("demo", "ana"), "group-1")
                        .toCompletableFuture()
                        .get(200, TimeUnit.MILLISECONDS)
                        .isEmpty()); // the store answers, promptly, that it has none
        String raised = ana.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(raised) && n.reason() == ServerMessage.AlertReason.RAISED,
                Duration.ofSeconds(5));
        assertThat(notice).isNotNull();
        assertThat(notice.alert().checkIn())
                .as("the location the client confirmed in this session, kept by this node")
                .isNotNull();
        assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
    }
}
