package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.haven.server.care.CareStore;
import org.haven.server.presence.UserRef;

/**
 * Records stored before V5 did not say when they were superseded or closed: the migration starts
 * their retention at its own time, so a purge before then keeps them and a purge after deletes the
 * superseded versions and the closed alert; the current versions and the open alert stay. The same
 * check on SQLite and PostgreSQL (the same SQL on both).
 */
final class RecordsBeforeRetention {

    private RecordsBeforeRetention() {}

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Migrates the empty database {@code jdbcUrl} to V2, stores records, then opens it through {@code open}. */
    static void check(String jdbcUrl, Supplier<SqlDatabase> open) throws Exception {
        Flyway.configure()
                .dataSource(jdbcUrl, null, null)
                .locations("classpath:db/migration")
                .target("2")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement()) {
            for (int v = 1; v <= 3; v++) {
                s.executeUpdate("INSERT INTO care_versions (org, client, part, version, body) VALUES"
                        + " ('demo', 'alice', 'plan', " + v + ", '{}')");
                s.executeUpdate("INSERT INTO check_ins (id, org, client, room, seq, body) VALUES" + " ('ci-" + v
                        + "', 'demo', 'alice', 'group-1', " + v + ", '{}')");
            }
            s.executeUpdate("INSERT INTO care_versions (org, client, part, version, body) VALUES"
                    + " ('demo', 'bob', 'contacts', 1, '{}')");
            s.executeUpdate("INSERT INTO alerts (id, org, is_open, next_deadline, body) VALUES"
                    + " ('closed', 'demo', 0, NULL, '{}'), ('open', 'demo', 1, NULL, '{}')");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        Instant before = Instant.now().minusSeconds(5);
        SqlDatabase db = open.get();
        SqlCareStore care = new SqlCareStore(db);
        SqlAlertStore alerts = new SqlAlertStore(db);
        Instant after = Instant.now().plusSeconds(5);

        UserRef alice = new UserRef("demo", "alice");
        assertThat(await(care.purgeSuperseded(before))).isZero();
        assertThat(await(alerts.purgeClosed(before))).isZero();
        assertThat(await(care.purgeSuperseded(after)))
                .as("alice's plan versions 1 and 2, check-ins 1 and 2")
                .isEqualTo(4);
        assertThat(await(alerts.purgeClosed(after))).isEqualTo(1);
        assertThat(await(care.versions(alice, CareStore.Part.PLAN))).containsExactly(3L);
        assertThat(await(care.checkInCount(alice, "group-1"))).isEqualTo(1);
        assertThat(await(care.versions(new UserRef("demo", "bob"), CareStore.Part.CONTACTS)))
                .containsExactly(1L);
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM alerts")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("open");
            assertThat(r.next()).isFalse();
        }
    }
}
