package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one real Redis, each the packaged jar in its own JVM: one serves, the other stands by
 * (503 on /readyz and /ws). The active node is killed (SIGKILL) with an alert unacknowledged; the
 * standby takes over within the lease time, takes the alert up with the client's location, and its
 * escalation goes on there (guarantee 2).
 */
class FailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private final DevTokens tokens = new DevTokens(ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER,
            ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private RedisProcess redis;
    private HavenProcess a;
    private HavenProcess b;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private HavenClient login(HavenProcess node, String sub, Role role, String... rooms) throws Exception {
        HavenClient client = HavenClient.connect(node.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        client.hello(tokens.mint(sub, role, "demo", List.of(rooms), "Name of " + sub, Duration.ofHours(1)))
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void theStandbyTakesOverAndEscalatesTheAlertTheKilledNodeTook() throws Exception {
        redis = RedisProcess.start();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "HAVEN_ALERT_ACK_TIMEOUT_HIGH", "3s");
        a = HavenProcess.start(env);
        a.awaitReadiness("ready", Duration.ofSeconds(30));
        b = HavenProcess.start(env);
        b.awaitReadiness("standby", Duration.ofSeconds(30));

        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1");
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1");
        alice.call(id -> new ClientMessage.CheckInSubmit(id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100",
                true), Result.CheckInRecorded.class).get(10, TimeUnit.SECONDS);
        String alert = alice.call(id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                Result.AlertReceived.class).get(10, TimeUnit.SECONDS).alert();
        assertThat(bo.awaitEvent(ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert),
                Duration.ofSeconds(5))).isNotNull();

        long killedAt = System.nanoTime();
        a.kill();
        b.awaitReadiness("ready", LEASE.plusSeconds(10));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(takeover).as("the standby serves within the lease time (and a check)").isLessThan(LEASE.plusSeconds(5));

        HavenClient night = login(b, "dr-night", Role.CLINICIAN);
        night.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL)).get(10, TimeUnit.SECONDS);
        HavenClient sup = login(b, "sup-kim", Role.SUPERVISOR);
        ServerMessage.AlertNotice onB = sup.awaitEvent(ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(alert) && n.alert().tier().equals("supervisors"), Duration.ofSeconds(20));
        assertThat(onB).as("the alert climbed to the supervisors on the node that took over").isNotNull();
        assertThat(onB.alert().state()).isEqualTo(Alerts.State.RAISED);
        assertThat(onB.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(onB.alert().history()).extracting(Alerts.HistoryEntry::event).contains("raised", "escalated");

        sup.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        assertThat(sup.awaitEvent(ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                Duration.ofSeconds(5))).isNotNull();
        assertThat(b.log()).doesNotContain("LEAK:");
        for (HavenClient client : List.of(alice, bo, night, sup)) {
            client.close(); // alice and bo lost their node with it; closing them frees their resources
        }
    }

    @Test
    void aStandbyRefusesSessionsAndACleanStopHandsOverAtOnceWithItsRevocations() throws Exception {
        redis = RedisProcess.start();
        String admin = "an-admin-token-for-the-failover-test-0123456789";
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "HAVEN_ADMIN_TOKEN", admin);
        a = HavenProcess.start(env);
        a.awaitReadiness("ready", Duration.ofSeconds(30));
        b = HavenProcess.start(env);
        b.awaitReadiness("standby", Duration.ofSeconds(30));
        assertThat(HavenClient.connect(b.uri(), ClientOptions.defaults()))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("503");

        // A token revoked on the active node stays refused after the take-over.
        String revoked = tokens.mint("mallory", Role.CLIENT, "demo", List.of(), null, Duration.ofHours(1));
        String jti = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.util.Base64.getUrlDecoder().decode(revoked.split("\\.")[1])).get("jti").asText();
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + a.port() + "/admin/revoke"))
                .header("Authorization", "Bearer " + admin)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"tokenId\":\"" + jti + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        long stoppedAt = System.nanoTime();
        a.close(); // SIGTERM: drains, then releases the lease
        b.awaitReadiness("ready", Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).as("no lease time to wait out")
                .isLessThan(LEASE);
        login(b, "alice", Role.CLIENT).close();

        HavenClient mallory = HavenClient.connect(b.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        mallory.hello(revoked);
        assertThat(mallory.closeFuture().get(10, TimeUnit.SECONDS).code())
                .as("revoked on the node that is gone, refused on the one that took over")
                .isEqualTo(org.haven.protocol.CloseCode.REVOKED.code());
    }
}
