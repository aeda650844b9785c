package org.haven.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.care.CareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.sql.SqlAlertStore;
import org.haven.server.sql.SqlCareStore;
import org.haven.server.sql.SqlDatabase;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's hourly retention on its default engines (SQLite), by a clock the test moves: history
 * older than the retention goes, what is current or open stays.
 */
class RecordRetentionTest {

    @TempDir
    Path data;

    private final NodeThreads threads = new NodeThreads();
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-02T03:04:05Z"));

    @AfterEach
    void close() {
        threads.close();
    }

    private static Care.SafetyPlan plan(String sign) {
        return new Care.SafetyPlan(List.of(sign), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void aRunDeletesWhatIsPastTheRetentionAndNothingCurrent() throws Exception {
        SqlDatabase db = SqlDatabase.sqlite(data, threads);
        try {
            CareStore care = new SqlCareStore(db);
            AlertStore alerts = new SqlAlertStore(db);
            RecordRetention retention = new RecordRetention(alerts, care, clock, Duration.ofDays(30));
            UserRef alice = new UserRef("demo", "alice");
            care.appendPlan(alice, plan("v1"), "dr-kay", clock.instant())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            care.appendPlan(alice, plan("v2"), "dr-kay", clock.instant().plusSeconds(1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            // The contract's alerts were last updated at 2030-01-02T03:04:05.123456Z plus their version in seconds.
            alerts.save(AlertStoreContract.alert("demo", "closed", Alerts.State.CLOSED, 2))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            alerts.save(AlertStoreContract.alert("demo", "open", Alerts.State.RAISED, 1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);

            clock.advance(Duration.ofDays(29));
            assertThat(retention.run().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .as("nothing is past 30 days yet")
                    .isZero();
            clock.advance(Duration.ofDays(2));
            assertThat(retention.run().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .as("plan v1 and the closed alert")
                    .isEqualTo(2);
            assertThat(care.versions(alice, CareStore.Part.PLAN)
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS))
                    .containsExactly(2L);
            assertThat(alerts.find("demo", "closed").toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEmpty();
            assertThat(alerts.find("demo", "open").toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isPresent();
            clock.advance(Duration.ofDays(3650));
            assertThat(retention.run().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .as("the current plan and the open alert stay, however old")
                    .isZero();
        } finally {
            db.close();
        }
    }
}
