package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.haven.protocol.Care;
import org.haven.server.care.CareStore;
import org.haven.server.care.CareStoreContract;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link CareStore} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteCareStoreTest extends CareStoreContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected CareStore newStore(int versionsKept) {
        return new SqlCareStore(databases.sqlite(dataDirectory), versionsKept);
    }

    @AfterEach
    void close() {
        databases.close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Care.SafetyPlan plan(String sign) {
        return new Care.SafetyPlan(List.of(sign), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Records stored before V5 start their retention at the migration (see {@link RecordsBeforeRetention}). */
    @Test
    void versionsStoredBeforeTheRetentionExistedStartTheirRetentionAtTheMigration() throws Exception {
        RecordsBeforeRetention.check(
                "jdbc:sqlite:" + dataDirectory.resolve(SqlDatabase.SQLITE_FILE), () -> databases.sqlite(dataDirectory));
    }

    /** A purge of more than one batch deletes them all, batch after batch. */
    @Test
    void aPurgeGoesOnPastOneBatch() throws Exception {
        int many = SqlCareStore.PURGE_BATCH * 2 + 7;
        try (Connection c =
                        DriverManager.getConnection("jdbc:sqlite:" + dataDirectory.resolve(SqlDatabase.SQLITE_FILE));
                Statement s = c.createStatement()) {
            Flyway.configure()
                    .dataSource("jdbc:sqlite:" + dataDirectory.resolve(SqlDatabase.SQLITE_FILE), null, null)
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("migrated_at", "0"))
                    .load()
                    .migrate();
            c.setAutoCommit(false);
            for (int v = 1; v <= many; v++) {
                s.addBatch("INSERT INTO care_versions (org, client, part, version, body, superseded_at) VALUES"
                        + " ('demo', 'c" + v + "', 'plan', 1, '{}', 1000)");
                s.addBatch("INSERT INTO care_versions (org, client, part, version, body) VALUES" + " ('demo', 'c" + v
                        + "', 'plan', 2, '{}')");
            }
            s.executeBatch();
            c.commit();
        }
        CareStore store = new SqlCareStore(databases.sqlite(dataDirectory));
        assertThat(await(store.purgeSuperseded(Instant.ofEpochMilli(2000)))).isEqualTo(many);
        assertThat(await(store.versions(new UserRef("demo", "c1"), CareStore.Part.PLAN)))
                .containsExactly(2L);
    }

    /**
     * Saves waiting for the database are bounded in bytes: past the bound a save fails at once
     * (the client is told to slow down), and the bytes are free again once the saves are done.
     */
    @Test
    void savesWaitingForTheDatabaseAreBoundedInBytes() throws Exception {
        Care.SafetyPlan large = CareStoreContract.largestPlan(1);
        long planBytes = org.haven.server.care.CopySizes.of(large);
        SqlCareStore store = new SqlCareStore(databases.sqlite(dataDirectory), 100, 3 * planBytes);
        UserRef alice = new UserRef("demo", "alice");
        List<CompletionStage<Care.Versioned<Care.SafetyPlan>>> saves = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            saves.add(store.appendPlan(alice, large, "alice", Instant.EPOCH));
        }
        int stored = 0;
        int refused = 0;
        for (CompletionStage<Care.Versioned<Care.SafetyPlan>> s : saves) {
            try {
                await(s);
                stored++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
                refused++;
            }
        }
        assertThat(stored).isBetween(3, 39);
        assertThat(refused).isEqualTo(40 - stored);
        assertThat(await(store.appendPlan(alice, large, "alice", Instant.EPOCH)).version())
                .as("the bytes are free again once the saves are done")
                .isEqualTo(stored + 1);
    }
}
