package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AlertStore#indexEarlierAlerts} in SQL: the alert rows without {@code raised_at} (stored
 * before schema V8, or by a node of the previous version during a rolling upgrade) get it and their
 * state from their body, {@link #BATCH} rows at a time, each batch a transaction of its own on the
 * housekeeping lane, so saves go on between batches. The rows are found by the partial index {@code
 * alerts_not_searchable}: at a start with none left, one cheap query. Done in Java rather than in the
 * migration because the body's times are ISO-8601 text, which SQLite and PostgreSQL parse differently.
 *
 * <p>A row whose body cannot be read as an alert (Haven never writes one) is left as it is and
 * counted in the log, never quoted. Threading: the database's lanes only.
 */
final class SqlAlertBackfill {

    private static final Logger log = LoggerFactory.getLogger(SqlAlertBackfill.class);

    /** Rows read and written per transaction. */
    static final int BATCH = 500;

    private final SqlDatabase db;

    SqlAlertBackfill(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Indexes every row without {@code raised_at}; completes with how many. */
    CompletionStage<Integer> run() {
        return from("", 0, 0);
    }

    /** What one batch did, and the last id it read: the next batch starts after it. */
    private record Batch(int read, int indexed, int unreadable, String lastId) {}

    private CompletionStage<Integer> from(String afterId, int indexed, int unreadable) {
        return db.run(SqlDatabase.HOUSEKEEPING, c -> batch(c, afterId)).thenCompose(b -> {
            int nowIndexed = indexed + b.indexed();
            int nowUnreadable = unreadable + b.unreadable();
            if (b.read() == BATCH) {
                return from(b.lastId(), nowIndexed, nowUnreadable);
            }
            if (nowUnreadable > 0) {
                log.warn("alert rows that cannot be read are left out of the search count={}", nowUnreadable);
            }
            return CompletableFuture.completedFuture(nowIndexed);
        });
    }

    private static Batch batch(Connection c, String afterId) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, body FROM alerts WHERE raised_at IS NULL AND id > ? ORDER BY id LIMIT " + BATCH)) {
            s.setString(1, afterId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
        }
        int indexed = 0;
        int unreadable = 0;
        // A save in between wrote both columns itself: "raised_at IS NULL" leaves its row alone.
        try (PreparedStatement s =
                c.prepareStatement("UPDATE alerts SET raised_at = ?, state = ? WHERE id = ? AND raised_at IS NULL")) {
            for (String[] row : rows) {
                StoredAlert alert;
                try {
                    alert = StoredJson.read(row[1], StoredAlert.class);
                    Objects.requireNonNull(alert.view(), "view");
                } catch (RuntimeException e) {
                    unreadable++;
                    continue;
                }
                s.setLong(1, AlertSearch.raisedMillis(alert));
                s.setString(2, alert.view().state().name());
                s.setString(3, row[0]);
                indexed += s.executeUpdate();
            }
        }
        return new Batch(rows.size(), indexed, unreadable, rows.isEmpty() ? afterId : rows.get(rows.size() - 1)[0]);
    }
}
