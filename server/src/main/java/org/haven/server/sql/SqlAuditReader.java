package org.haven.server.sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.haven.server.audit.AuditReader;
import org.jspecify.annotations.Nullable;

/**
 * {@link AuditReader} of the database's trail: a page is read in one read-only transaction on the
 * database's read thread ({@link SqlDatabase#read}: never a lane that writes, so an export never
 * queues in front of an alert's save, nor the caller's thread). The run's first and last seq are
 * found once, on the first page, from the records' times (an index-only scan of {@code
 * audit_records_by_org_time_seq}, V9); later pages take them from the cursor, after looking its two
 * records up by primary key. Then the page's lines by seq (the primary key), as stored. The lines are
 * handed on as they are, never parsed or logged.
 *
 * <p>Threading: stateless; pages complete on the database's read thread.
 */
final class SqlAuditReader implements AuditReader {

    static final String RUN = "SELECT MIN(seq), MAX(seq) FROM audit_records WHERE org = ? AND at >= ? AND at < ?";
    /**
     * One record's time, by the primary key: an equality on both its columns, since with
     * {@code seq IN (…)} or the times in the WHERE, SQLite scans the organisation's entries of the
     * covering time index instead.
     */
    static final String AT = "SELECT at FROM audit_records WHERE org = ? AND seq = ?";

    static final String PAGE =
            "SELECT seq, line FROM audit_records WHERE org = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

    private final SqlDatabase db;

    SqlAuditReader(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public CompletionStage<Page> page(String org, Instant from, Instant to, Cursor after, int limit) {
        AuditReader.check(org, from, to, after, limit);
        return db.read(c -> {
            Cursor run = after.knowsRun() && isRunOf(c, org, from, to, after) ? after : run(c, org, from, to, after);
            if (run == null) {
                return new Page(List.of(), null);
            }
            List<String> lines = new ArrayList<>();
            long lastSeq = run.seq();
            try (PreparedStatement s = c.prepareStatement(PAGE)) {
                s.setString(1, org);
                s.setLong(2, Math.max(run.seq(), run.first() - 1));
                s.setLong(3, run.last());
                s.setInt(4, limit);
                try (ResultSet r = s.executeQuery()) {
                    long bytes = 0;
                    while (bytes < MAX_PAGE_BYTES && r.next()) {
                        lastSeq = r.getLong(1);
                        String line = r.getString(2);
                        lines.add(line);
                        bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    }
                }
            }
            // Empty: nothing is left after the cursor (its records removed meanwhile), whatever its bounds say.
            boolean more = !lines.isEmpty() && lastSeq < run.last();
            return new Page(lines, more ? new Cursor(lastSeq, run.first(), run.last()) : null);
        });
    }

    /** Whether the run's first and last records that {@code after} carries are {@code org}'s, in the range. */
    private static boolean isRunOf(Connection c, String org, Instant from, Instant to, Cursor after)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(AT)) {
            s.setString(1, org);
            for (long seq : new long[] {after.first(), after.last()}) {
                s.setLong(2, seq);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || r.getLong(1) < from.toEpochMilli() || r.getLong(1) >= to.toEpochMilli()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** {@code after}'s seq in the run of {@code org}'s records in the range; null when the range has none. */
    private static @Nullable Cursor run(Connection c, String org, Instant from, Instant to, Cursor after)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RUN)) {
            s.setString(1, org);
            s.setLong(2, from.toEpochMilli());
            s.setLong(3, to.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long first = r.getLong(1);
                if (r.wasNull()) {
                    return null;
                }
                return new Cursor(after.seq(), first, r.getLong(2));
            }
        }
    }
}
