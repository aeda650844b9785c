package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.client.crypto.DeviceKeys;
import org.haven.client.crypto.DirectCipher;
import org.haven.client.crypto.Suite;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.E2e;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditKey;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.TestServer;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One node on its default engines (the durable records in SQLite in its data directory), the
 * packaged jar, killed with SIGKILL and started again on the same directory: every record is back
 * (the alert, the check-in, contacts and plan, the published keys, a message waiting in a mailbox)
 * and an open alert's escalation goes on where it was.
 */
class RestartIT {

    private static final Care.SafetyPlan PLAN = new Care.SafetyPlan(
            List.of("racing thoughts"),
            List.of("box breathing"),
            List.of("walk the dog"),
            List.of("my sister Sam"),
            List.of("Dr Bo"),
            List.of("medication locked away"));
    private static final Care.EmergencyContact SAM =
            new Care.EmergencyContact("Sam Rivera", "sister", "+1 217 555 0199", true);

    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private HavenProcess node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private HavenClient login(String sub, Role role, String... rooms) throws Exception {
        return login(sub, null, role, rooms);
    }

    private HavenClient login(String sub, String device, Role role, String... rooms) throws Exception {
        HavenClient client =
                HavenClient.connect(node.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        client.hello(
                        tokens.mint(sub, role, "demo", List.of(rooms), "Name of " + sub, Duration.ofHours(1)),
                        device,
                        null,
                        null)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    private static void publish(HavenClient client, DeviceKeys keys) throws Exception {
        E2e.DeviceBundle b = keys.publicBundle();
        client.call(
                        id -> new ClientMessage.KeysPublish(
                                id,
                                b.device(),
                                b.identityKey(),
                                b.signingKey(),
                                b.signedPrekey(),
                                keys.oneTimePrekeys()),
                        Result.KeysPublished.class)
                .get(10, TimeUnit.SECONDS);
    }

    private static E2e.DeviceBundle fetchOne(HavenClient client, String user) throws Exception {
        return client.call(id -> new ClientMessage.KeysFetch(id, user), Result.KeyBundles.class)
                .get(10, TimeUnit.SECONDS)
                .devices()
                .get(0);
    }

    @Test
    void aNodeKilledAndStartedAgainOnItsDataDirectoryHasEveryRecordAndEscalatesWhereItWas() throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "restart-data-");
        Map<String, String> env = Map.of("HAVEN_DATA_DIR", data.toString(), "HAVEN_ALERT_ACK_TIMEOUT_HIGH", "6s");
        node = HavenProcess.start(env);
        node.awaitReadiness("ready", Duration.ofSeconds(30));
        HavenClient alice = login("alice", Role.CLIENT, "group-1");
        alice.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.PlanSet(id, null, PLAN), Result.CareVersion.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.ContactsSet(id, null, List.of(SAM)), Result.CareVersion.class)
                .get(10, TimeUnit.SECONDS);
        // The discreet chat: both publish their keys; the therapist is offline when the client writes.
        DeviceKeys aliceKeys = DeviceKeys.generate("alice-phone", Suite.X25519, 3);
        DeviceKeys kayKeys = DeviceKeys.generate("kay-laptop", Suite.X25519, 3);
        publish(alice, aliceKeys);
        HavenClient kay = login("dr-kay", "kay-laptop", Role.CLINICIAN, "group-1");
        publish(kay, kayKeys);
        kay.close();
        E2e.Envelope sealed =
                DirectCipher.seal(aliceKeys, "alice", fetchOne(alice, "dr-kay"), "dr-kay", "are you there?");
        assertThat(alice.call(id -> new ClientMessage.DmSend(id, "dr-kay", List.of(sealed)), Result.DmSent.class)
                        .get(10, TimeUnit.SECONDS)
                        .delivered())
                .as("nobody online: it waits in the mailbox")
                .isZero();
        HavenClient bo = login("dr-bo", Role.CLINICIAN, "group-1");
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5)))
                .as("the facilitator has it before the crash")
                .isNotNull();

        node.kill();
        alice.abort();
        bo.abort();
        node = HavenProcess.start(env);
        node.awaitReadiness("ready", Duration.ofSeconds(30));

        HavenClient sup = login("sup-kim", Role.SUPERVISOR);
        ServerMessage.AlertNotice back = sup.awaitEvent(
                ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(alert) && n.alert().tier().equals("supervisors"),
                Duration.ofSeconds(20));
        assertThat(back)
                .as("the open alert came back and climbed on from its stored tier and deadline")
                .isNotNull();
        assertThat(back.alert().state()).isEqualTo(Alerts.State.RAISED);
        assertThat(back.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(back.alert().emergencyContacts()).containsExactly(SAM);
        assertThat(back.alert().safetyPlan()).isEqualTo(PLAN);
        assertThat(back.alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .contains("raised", "escalated");

        Result.CareRecord record = sup.call(
                        id -> new ClientMessage.CareRecordGet(id, "alice", "group-1"), Result.CareRecord.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(record.checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(record.contacts().value()).containsExactly(SAM);
        assertThat(record.plan().value()).isEqualTo(PLAN);
        assertThat(record.plan().version()).isEqualTo(1);

        // The client is back for the session (check-in first, as at the start of every session).
        HavenClient aliceBack = login("alice", "alice-phone", Role.CLIENT, "group-1");
        aliceBack
                .call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
        HavenClient kayBack = login("dr-kay", "kay-laptop", Role.CLINICIAN, "group-1");
        ServerMessage.DmMessage waiting =
                kayBack.awaitEvent(ServerMessage.DmMessage.class, m -> true, Duration.ofSeconds(5));
        assertThat(waiting).as("the mailbox kept the message across the crash").isNotNull();
        E2e.DeviceBundle aliceBundle = fetchOne(kayBack, "alice");
        assertThat(aliceBundle.fingerprint()).as("the published keys too").isEqualTo(aliceKeys.fingerprint());
        assertThat(DirectCipher.open(
                        kayKeys,
                        "dr-kay",
                        aliceBundle,
                        "alice",
                        waiting.message().envelope()))
                .isEqualTo("are you there?");
        kayBack.close();
        aliceBack.close();

        sup.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        assertThat(sup.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(node.log()).doesNotContain("LEAK:");
        sup.close();

        // The audit trail went on across the kill: one chain, whole, with records from both lives.
        node.close();
        node = null;
        try (NodeThreads threads = new NodeThreads();
                SqlDatabase db = SqlDatabase.existing(null, data, threads)) {
            List<SqlAuditVerifier.OrgVerification> chains =
                    SqlAuditVerifier.verify(db, AuditKey.parse(HavenProcess.AUDIT_KEY), null);
            assertThat(chains).extracting(SqlAuditVerifier.OrgVerification::org).containsExactly("demo");
            assertThat(chains.get(0).verification().intact())
                    .as(chains.toString())
                    .isTrue();
            assertThat(chains.get(0).verification().recordsChecked()).isGreaterThan(5);
        }
    }
}
