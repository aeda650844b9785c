package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;
import org.jspecify.annotations.Nullable;

/**
 * {@link AlertStore} in the SQL database: one row per alert (its current state as JSON, whether it
 * is open, its next deadline, when it was closed, when it was raised and its state, for the search),
 * deleted only by the retention once closed for long enough ({@link #purgeClosed}, in batches). Saves of one alert run on its lane, in the order
 * called; {@link #overdue} reads the deadline index.
 *
 * <p>Alerts carry health data (location, contacts, safety plan): the database must be private to
 * Haven, its files and backups protected like the rest of the clinical record.
 */
public final class SqlAlertStore implements AlertStore {

    private static final String UPSERT = """
            INSERT INTO alerts (id, org, is_open, next_deadline, body, closed_at, client, raised_at, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET org = excluded.org, is_open = excluded.is_open,
              next_deadline = excluded.next_deadline, body = excluded.body, closed_at = excluded.closed_at,
              client = excluded.client, raised_at = excluded.raised_at, state = excluded.state
            """;
    private static final String INSERT_NEW = """
            INSERT INTO alerts (id, org, is_open, next_deadline, body, closed_at, client, raised_at, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """;

    private final SqlDatabase db;

    public SqlAlertStore(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public CompletionStage<Void> save(StoredAlert alert) {
        return db.run(alert.view().id(), c -> write(c, UPSERT, alert)).thenApply(rows -> null);
    }

    @Override
    public CompletionStage<Boolean> saveNew(StoredAlert alert) {
        return db.run(alert.view().id(), c -> write(c, INSERT_NEW, alert) == 1);
    }

    private static int write(Connection c, String sql, StoredAlert alert) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, alert.view().id());
            s.setString(2, alert.org());
            s.setInt(3, alert.view().state() == Alerts.State.CLOSED ? 0 : 1);
            Instant due = alert.nextDeadline();
            if (due == null) {
                s.setNull(4, Types.BIGINT);
            } else {
                s.setLong(4, due.toEpochMilli());
            }
            s.setString(5, StoredJson.write(alert));
            if (alert.view().state() == Alerts.State.CLOSED) {
                s.setLong(6, alert.view().updatedAt().toEpochMilli());
            } else {
                s.setNull(6, Types.BIGINT);
            }
            s.setString(7, alert.view().client());
            s.setLong(8, AlertSearch.raisedMillis(alert));
            s.setString(9, alert.view().state().name());
            return s.executeUpdate();
        }
    }

    @Override
    public CompletionStage<Optional<StoredAlert>> find(String org, String id) {
        return db.run(id, c -> find(c, org, id));
    }

    @Override
    public CompletionStage<Optional<StoredAlert>> findForReader(String org, String id) {
        return db.query(id, c -> find(c, org, id));
    }

    private static Optional<StoredAlert> find(Connection c, String org, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT body FROM alerts WHERE id = ? AND org = ?")) {
            s.setString(1, id);
            s.setString(2, org);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(StoredJson.read(r.getString(1), StoredAlert.class)) : Optional.empty();
            }
        }
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed() {
        return db.run("alerts", c -> read(c, "SELECT body FROM alerts WHERE is_open = 1", null));
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed(String org) {
        return db.run("alerts:" + org, c -> read(c, "SELECT body FROM alerts WHERE is_open = 1 AND org = ?", org));
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosedOf(String org, String client) {
        // Rows stored before the client column (V4) have none: they are read and filtered here.
        return db.query("alerts:" + org, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT body FROM alerts WHERE org = ? AND (client = ? OR client IS NULL) AND is_open = 1")) {
                s.setString(1, org);
                s.setString(2, client);
                List<StoredAlert> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        StoredAlert a = StoredJson.read(r.getString(1), StoredAlert.class);
                        if (a.view().client().equals(client)) {
                            out.add(a);
                        }
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    private static List<StoredAlert> read(Connection c, String sql, @Nullable String org) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (org != null) {
                s.setString(1, org);
            }
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(StoredJson.read(r.getString(1), StoredAlert.class));
                }
            }
            return List.copyOf(out);
        }
    }

    @Override
    public CompletionStage<List<StoredAlert>> search(AlertSearch search) {
        return db.query("alerts:" + search.org(), c -> {
            try (PreparedStatement s = c.prepareStatement(searchSql(search))) {
                int i = 1;
                s.setString(i++, search.org());
                s.setLong(i++, search.from().toEpochMilli());
                s.setLong(i++, search.to().toEpochMilli());
                Instant afterRaisedAt = search.afterRaisedAt();
                if (afterRaisedAt != null) {
                    s.setLong(i++, afterRaisedAt.toEpochMilli());
                    s.setLong(i++, afterRaisedAt.toEpochMilli());
                    s.setString(i++, Objects.requireNonNull(search.afterId(), "afterId"));
                }
                Alerts.State state = search.state();
                if (state != null) {
                    s.setString(i++, state.name());
                }
                String client = search.client();
                if (client != null) {
                    s.setString(i++, client);
                }
                s.setInt(i, search.limit());
                List<StoredAlert> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(StoredJson.read(r.getString(1), StoredAlert.class));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    /**
     * The search's query: a range of the index {@code alerts_by_raised_at} (org, raised_at DESC, id),
     * read in its order and stopped at the LIMIT; the state and client are checked on the rows the
     * range holds.
     */
    static String searchSql(AlertSearch search) {
        StringBuilder sql =
                new StringBuilder("SELECT body FROM alerts WHERE org = ? AND raised_at >= ? AND raised_at < ?");
        if (search.afterRaisedAt() != null) {
            // The bound on raised_at alone starts the index range at the cursor; the rest passes over its ties.
            sql.append(" AND raised_at <= ? AND (raised_at < ? OR id > ?)");
        }
        if (search.state() != null) {
            sql.append(" AND state = ?");
        }
        if (search.client() != null) {
            sql.append(" AND client = ?");
        }
        return sql.append(" ORDER BY raised_at DESC, id LIMIT ?").toString();
    }

    /** See {@link SqlAlertBackfill}. */
    @Override
    public CompletionStage<Integer> indexEarlierAlerts() {
        return new SqlAlertBackfill(db).run();
    }

    @Override
    public CompletionStage<Integer> purgeClosed(Instant before) {
        return purge(before, 0);
    }

    /** One batch of {@link SqlCareStore#PURGE_BATCH}, a transaction of its own, then the next. */
    private CompletionStage<Integer> purge(Instant before, int sofar) {
        return db.run(SqlDatabase.HOUSEKEEPING, c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE is_open = 0 AND closed_at < ?"
                                    + " LIMIT " + SqlCareStore.PURGE_BATCH + ")")) {
                        s.setLong(1, before.toEpochMilli());
                        return s.executeUpdate();
                    }
                })
                .thenCompose(n -> n < SqlCareStore.PURGE_BATCH
                        ? CompletableFuture.completedFuture(sofar + n)
                        : purge(before, sofar + n));
    }

    @Override
    public CompletionStage<Set<String>> overdue(Instant before, int limit) {
        return db.run("alerts", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT org FROM alerts WHERE next_deadline < ?
                    GROUP BY org ORDER BY MIN(next_deadline) LIMIT ?
                    """)) {
                s.setLong(1, before.toEpochMilli());
                s.setInt(2, limit);
                Set<String> orgs = new LinkedHashSet<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        orgs.add(r.getString(1));
                    }
                }
                return Set.copyOf(orgs);
            }
        });
    }
}
