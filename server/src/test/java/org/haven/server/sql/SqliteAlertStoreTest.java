package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StoredAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link AlertStore} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteAlertStoreTest extends AlertStoreContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected AlertStore newStore() {
        return new SqlAlertStore(databases.sqlite(dataDirectory));
    }

    @Override
    protected AlertStore storeWithEarlierAlerts(List<StoredAlert> alerts) throws Exception {
        return AlertsBeforeSearch.store(
                "jdbc:sqlite:" + dataDirectory.resolve(SqlDatabase.SQLITE_FILE),
                alerts,
                () -> databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }

    /** The rows stored before V8 are indexed batch after batch, past the first. */
    @Test
    void earlierAlertsAreIndexedPastOneBatch() throws Exception {
        int many = SqlAlertBackfill.BATCH * 2 + 3;
        Instant day = Instant.parse("2030-03-01T00:00:00Z");
        List<StoredAlert> earlier = new ArrayList<>();
        for (int i = 0; i < many; i++) {
            earlier.add(alertAt("demo", "a-%04d".formatted(i), "alice", Alerts.State.CLOSED, day.plusSeconds(i)));
        }
        AlertStore store = storeWithEarlierAlerts(earlier);
        assertThat(await(store.indexEarlierAlerts())).isEqualTo(many);
        assertThat(paged(store, AlertSearch.of("demo", day, day.plusSeconds(many), 1000)))
                .hasSize(many)
                .startsWith("a-%04d".formatted(many - 1));
    }

    /** Each search is a range of the index in its order, stopped at the LIMIT: no sort of the range. */
    @Test
    void aSearchReadsItsPageFromTheIndex() throws Exception {
        store();
        Instant from = Instant.parse("2030-03-01T00:00:00Z");
        Instant to = Instant.parse("2030-03-31T00:00:00Z");
        try (Connection c =
                DriverManager.getConnection("jdbc:sqlite:" + dataDirectory.resolve(SqlDatabase.SQLITE_FILE))) {
            for (AlertSearch search : new AlertSearch[] {
                AlertSearch.of("demo", from, to, 10),
                new AlertSearch("demo", from, to, null, null, from.plusSeconds(60), "a-1", 10),
                new AlertSearch("demo", from, to, Alerts.State.RAISED, null, from.plusSeconds(60), "a-1", 10)
            }) {
                StringBuilder plan = new StringBuilder();
                try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + SqlAlertStore.searchSql(search));
                        ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        plan.append(r.getString("detail")).append('\n');
                    }
                }
                assertThat(plan.toString())
                        .as(search.toString())
                        .contains("USING INDEX alerts_by_raised_at (org=? AND raised_at>? AND raised_at<?)")
                        .doesNotContain("TEMP B-TREE");
            }
        }
    }
}
