package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail contract on the embedded SQLite database, a fresh file for each test. */
class SqliteAuditTrailTest extends SqlAuditTrailContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected SqlDatabase database() {
        return databases.sqlite(dataDirectory);
    }

    @Override
    protected SqlDatabase sameDatabaseAgain() {
        return databases.sqlite(dataDirectory);
    }

    @AfterEach
    void close() {
        databases.close();
    }

    /**
     * How SQLite reads an export (its plans, with the placeholders bound to anything): the run from
     * the time index alone (V9), and a later page, its cursor's records included, by the primary key,
     * never a scan of the range or of the organisation's records.
     */
    @Test
    void anExportReadsItsRunFromTheIndexAloneAndItsPagesByThePrimaryKey() throws Exception {
        SqlDatabase db = database();

        assertThat(plan(db, SqlAuditReader.RUN))
                .containsExactly("SEARCH audit_records USING COVERING INDEX audit_records_by_org_time_seq"
                        + " (org=? AND at>? AND at<?)");
        assertThat(plan(db, SqlAuditReader.AT))
                .containsExactly("SEARCH audit_records USING INDEX sqlite_autoindex_audit_records_1 (org=? AND seq=?)");
        assertThat(plan(db, SqlAuditReader.PAGE))
                .containsExactly("SEARCH audit_records USING INDEX sqlite_autoindex_audit_records_1"
                        + " (org=? AND seq>? AND seq<?)");
    }

    private static List<String> plan(SqlDatabase db, String query) throws Exception {
        return db.read(c -> {
                    List<String> steps = new ArrayList<>();
                    try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + query)) {
                        for (int i = 1; i <= s.getParameterMetaData().getParameterCount(); i++) {
                            s.setLong(i, 1);
                        }
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                steps.add(r.getString("detail"));
                            }
                        }
                    }
                    return steps;
                })
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }
}
