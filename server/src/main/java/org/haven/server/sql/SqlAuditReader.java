package org.haven.server.sql;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.haven.server.audit.AuditReader;

/**
 * {@link AuditReader} of the database's trail: a page is two queries in one read-only transaction
 * on the database's read thread ({@link SqlDatabase#read}: never a lane that writes, so an export
 * never queues in front of an alert's save, nor the caller's thread): the run's first and last seq
 * from the records' times ({@code audit_records_by_org_time}), then the page's lines by seq (the
 * primary key), as stored. The lines are handed on as they are, never parsed or logged.
 *
 * <p>Threading: stateless; pages complete on the database's read thread.
 */
final class SqlAuditReader implements AuditReader {

    private static final String RUN =
            "SELECT MIN(seq), MAX(seq) FROM audit_records WHERE org = ? AND at >= ? AND at < ?";
    private static final String PAGE =
            "SELECT seq, line FROM audit_records WHERE org = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

    private final SqlDatabase db;

    SqlAuditReader(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public CompletionStage<Page> page(String org, Instant from, Instant to, long afterSeq, int limit) {
        AuditReader.check(org, from, to, afterSeq, limit);
        return db.read(c -> {
            long first;
            long last;
            try (PreparedStatement s = c.prepareStatement(RUN)) {
                s.setString(1, org);
                s.setLong(2, from.toEpochMilli());
                s.setLong(3, to.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    first = r.getLong(1);
                    if (r.wasNull()) {
                        return new Page(List.of(), afterSeq, false);
                    }
                    last = r.getLong(2);
                }
            }
            List<String> lines = new ArrayList<>();
            long lastSeq = afterSeq;
            try (PreparedStatement s = c.prepareStatement(PAGE)) {
                s.setString(1, org);
                s.setLong(2, Math.max(afterSeq, first - 1));
                s.setLong(3, last);
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
            return new Page(lines, lastSeq, lastSeq < last);
        });
    }
}
