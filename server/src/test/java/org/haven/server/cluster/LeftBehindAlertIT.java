package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StoredAlert;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on a real Redis serves an organisation, and the store holds an open alert of it that the
 * node does not: a stand-in stored it and the node's adoption of it was lost (its read failed past
 * every retry, or the node was restarting). Once the alert's deadline is overdue, the cluster's
 * check takes it up: it reaches the clinician connected here and is escalated from then on. Before,
 * the cluster's check only claimed organisations no node served, and such an alert stayed in the
 * store unseen for as long as the node lived.
 */
class LeftBehindAlertIT {

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

    @Test
    void anOpenAlertTheServingNodeDoesNotHoldIsTakenUpOnceItsDeadlineIsOverdue() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1"); // the node serves demo
        haven.join(bo, "group-1");

        Instant now = Instant.now();
        StoredAlert written =
                AlertStoreContract.alertAt("demo", "a-left-behind", "alice", Alerts.State.RAISED, now.minusSeconds(90));
        StoredAlert leftBehind = new StoredAlert(
                written.org(),
                written.view(),
                written.policy(),
                written.tierIndex(),
                written.targets(),
                now.minusSeconds(30), // its acknowledgement time-out passed, and nobody escalated it
                null,
                null);
        assertThat(haven.server()
                        .alertStore()
                        .saveNew(leftBehind)
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS))
                .isTrue();

        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals("a-left-behind"), Duration.ofSeconds(15));
        assertThat(notice)
                .as("the clinician connected to the serving node is told")
                .isNotNull();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> LogCapture.lines().stream()
                        .anyMatch(l -> l.startsWith("took up an alert left behind alert=a-left-behind")));
    }
}
