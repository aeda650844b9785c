package org.haven.server.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;

/**
 * Alerts stored as a node stored them before schema V8 (no {@code raised_at} nor {@code state}), and
 * one row that is not an alert at all, then the store of this version over them: the same on SQLite
 * and PostgreSQL.
 */
final class AlertsBeforeSearch {

    private AlertsBeforeSearch() {}

    /** Migrates the empty database {@code jdbcUrl} to V6, stores {@code alerts} there, then opens it through {@code open}. */
    static AlertStore store(String jdbcUrl, List<StoredAlert> alerts, Supplier<SqlDatabase> open) throws SQLException {
        Flyway.configure()
                .dataSource(jdbcUrl, null, null)
                .locations("classpath:db/migration")
                .placeholders(Map.of("migrated_at", Long.toString(System.currentTimeMillis())))
                .target("6")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            insert(c, alerts);
            c.commit();
        }
        return new SqlAlertStore(open.get());
    }

    private static void insert(Connection c, List<StoredAlert> alerts) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO alerts (id, org, is_open, next_deadline, body, closed_at, client)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredAlert a : alerts) {
                boolean closed = a.view().state() == Alerts.State.CLOSED;
                s.setString(1, a.view().id());
                s.setString(2, a.org());
                s.setInt(3, closed ? 0 : 1);
                if (a.nextDeadline() == null) {
                    s.setNull(4, Types.BIGINT);
                } else {
                    s.setLong(4, a.nextDeadline().toEpochMilli());
                }
                s.setString(5, StoredJson.write(a));
                if (closed) {
                    s.setLong(6, a.view().updatedAt().toEpochMilli());
                } else {
                    s.setNull(6, Types.BIGINT);
                }
                s.setString(7, a.view().client());
                s.executeUpdate();
            }
            try (Statement unreadable = c.createStatement()) {
                unreadable.executeUpdate(
                        "INSERT INTO alerts (id, org, is_open, body) VALUES ('not-an-alert', 'demo', 1, '{}')");
            }
        }
    }
}
