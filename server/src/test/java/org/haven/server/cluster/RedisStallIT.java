package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.StoredAlert;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that stops answering without going away (SIGSTOP: a blocked server, or a partition that
 * drops packets): every command waits for its 2 s time-out, and the connection looks healthy. A
 * crisis alert must not wait for it: the clinician connected here is told within the raise's store
 * wait, not after two command time-outs (the care record read, then the save). The alert is stored
 * once Redis answers again.
 */
class RedisStallIT {

    private static final String GROUP = "group-1";

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
    void aStalledRedisDoesNotHoldAnAlertBackFromTheClinicianHere() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", GROUP);
        haven.join(bo, GROUP);
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", GROUP);
        haven.join(alice, GROUP);

        redis.pause();
        try {
            long raisedAt = System.nanoTime();
            CompletableFuture<ServerMessage.Ok> answer =
                    alice.request(id -> new ClientMessage.AlertRaise(id, GROUP, null, Alerts.Severity.HIGH));
            // Two command time-outs would be 4 s; the raise waits 250 ms for each instead.
            ServerMessage.AlertNotice notice =
                    bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofMillis(1500));
            assertThat(notice)
                    .as("the clinician here is told while Redis is stalled")
                    .isNotNull();
            assertThat(notice.reason()).isEqualTo(ServerMessage.AlertReason.RAISED);
            assertThat(Duration.ofNanos(System.nanoTime() - raisedAt)).isLessThan(Duration.ofMillis(1500));
            assertThat(notice.alert().checkIn())
                    .as("with the location this node last stored")
                    .isNotNull();
            assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
            // Not stored while Redis is stalled: the raiser is not told "received", but is not left
            // waiting either; within 2 s they are told to call the crisis line now.
            Replies.assertError(answer, ErrorCode.ALERT_UNCONFIRMED);
            assertThat(Duration.ofNanos(System.nanoTime() - raisedAt)).isLessThan(Duration.ofSeconds(2));
            String alert = notice.alert().id();

            redis.resume();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(haven.server()
                                    .alertStore()
                                    .unclosed()
                                    .toCompletableFuture()
                                    .get(2, TimeUnit.SECONDS))
                            .extracting(StoredAlert::view)
                            .extracting(Alerts.View::id)
                            .contains(alert));
            assertThat(bo.awaitEvent(
                            ServerMessage.AlertNotice.class,
                            n -> n.alert().id().equals(alert) && n.reason() == ServerMessage.AlertReason.RAISED,
                            Duration.ofMillis(500)))
                    .as("the responders were told once, not again when the store answered")
                    .isNull();
        } finally {
            try {
                redis.resume();
            } catch (IllegalStateException gone) {
                // Redis died meanwhile: the assertion above says what went wrong.
            }
        }
    }
}
