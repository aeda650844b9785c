package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditKey;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.PostgresProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.TestServer;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged-jar nodes with their durable records in PostgreSQL and their live state in Redis:
 * the node serving the organisation is killed, then Redis restarts empty; nothing durable is lost.
 */
class PostgresClusterIT {

    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private PostgresProcess postgres;
    private RedisProcess redis;
    private HavenProcess a;
    private HavenProcess b;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private HavenClient login(HavenProcess node, String sub, Role role, String... rooms) throws Exception {
        HavenClient client =
                HavenClient.connect(node.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        client.hello(tokens.mint(sub, role, "demo", List.of(rooms), "Name of " + sub, Duration.ofHours(1)))
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void aKilledNodeAndARedisRestartedEmptyLoseNoAlertLocationOrCareRecord() throws Exception {
        postgres = PostgresProcess.start();
        redis = RedisProcess.start();
        String database = postgres.newDatabase();
        Map<String, String> env =
                Map.of("REDIS_URL", redis.url(), "HAVEN_DATABASE_URL", database, "HAVEN_ALERT_ACK_TIMEOUT_HIGH", "5s");
        a = HavenProcess.start(env);
        b = HavenProcess.start(env);
        a.awaitReadiness("ready", Duration.ofSeconds(30));
        b.awaitReadiness("ready", Duration.ofSeconds(30));

        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        alice.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
        Care.EmergencyContact sam = new Care.EmergencyContact("Sam Rivera", "sister", "+1 217 555 0199", true);
        alice.call(id -> new ClientMessage.ContactsSet(id, null, List.of(sam)), Result.CareVersion.class)
                .get(10, TimeUnit.SECONDS);
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();

        a.kill();
        alice.abort();
        redis.restart(); // empty: no persistence

        HavenClient[] sup = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    sup[0] = login(b, "sup-kim", Role.SUPERVISOR);
                    return true;
                });
        ServerMessage.AlertNotice notice = sup[0].awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(30));
        assertThat(notice)
                .as("the open alert, from PostgreSQL, on the node that took over")
                .isNotNull();
        assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(notice.alert().emergencyContacts()).containsExactly(sam);

        Result.CareRecord record = sup[0].call(
                        id -> new ClientMessage.CareRecordGet(id, "alice", "group-1"), Result.CareRecord.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(record.checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(record.contacts().value()).containsExactly(sam);
        assertThat(b.log()).doesNotContain("LEAK:");
        sup[0].close();

        // One audit chain for the organisation, written by both nodes, whole across the kill.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(auditLines(database))
                    .anyMatch(l -> l.contains("\"actor\":\"alice\",\"action\":\"checkin.submit\"")) // node A
                    .anyMatch(l -> l.contains("\"actor\":\"sup-kim\",\"action\":\"care.read\"")); // node B
        });
        try (NodeThreads threads = new NodeThreads();
                SqlDatabase db = SqlDatabase.existing(database, Path.of("unused"), threads)) {
            List<SqlAuditVerifier.OrgVerification> chains =
                    SqlAuditVerifier.verify(db, AuditKey.parse(HavenProcess.AUDIT_KEY), null);
            assertThat(chains).extracting(SqlAuditVerifier.OrgVerification::org).containsExactly("demo");
            assertThat(chains.get(0).verification().intact())
                    .as(chains.toString())
                    .isTrue();
        }
    }

    private static List<String> auditLines(String database) {
        try (NodeThreads threads = new NodeThreads();
                SqlDatabase db = SqlDatabase.existing(database, Path.of("unused"), threads)) {
            return db.run("test", c -> {
                        List<String> lines = new java.util.ArrayList<>();
                        try (var s = c.prepareStatement(
                                        "SELECT line FROM audit_records WHERE org = 'demo' ORDER BY seq");
                                var r = s.executeQuery()) {
                            while (r.next()) {
                                lines.add(r.getString(1));
                            }
                        }
                        return lines;
                    })
                    .toCompletableFuture()
                    .join();
        }
    }
}
