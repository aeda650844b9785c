package org.haven.server.sql;

import com.fasterxml.jackson.databind.JavaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.protocol.Care;
import org.haven.server.care.CareStore;
import org.haven.server.care.CopySizes;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link CareStore} in the SQL database: check-ins numbered per client and room (the latest is in
 * force), and each set of emergency contacts, safety plan or risk a new version (a row of {@code
 * care_versions} of its part), nothing edited in place.
 * The work on one client's record runs on one lane, so its versions are numbered without gaps or
 * repeats on a node; a second node numbering the same client at the same moment (never while one
 * node serves its organisation) fails on the primary key rather than overwriting.
 *
 * <p>Bounded: the transaction that stores a version also marks the one it supersedes (its {@code
 * superseded_at}, for the retention) and deletes the versions past the quota, through the primary
 * key: its work does not grow with the history. {@link #purgeSuperseded} deletes in batches of
 * {@link #PURGE_BATCH} rows, each its own transaction, so a large first purge never holds the
 * (SQLite: single) writer for long.
 *
 * <p>Saves waiting for the database are bounded in bytes too ({@link #defaultWaitingBytes()}), not
 * only by the lanes' count of pieces: 10,000 waiting safety plans of 60 KB would be 600 MB of heap
 * while the disk is slow. Past the bound a save fails at once ({@link RejectedExecutionException},
 * as when a lane is full; the client is told to slow down), and a crisis alert never waits behind
 * more than that many bytes of care records.
 */
public final class SqlCareStore implements CareStore {

    /** Rows deleted per transaction by {@link #purgeSuperseded}. */
    static final int PURGE_BATCH = 500;

    private static final JavaType CONTACTS =
            StoredJson.type(Care.Versioned.class, StoredJson.listOf(Care.EmergencyContact.class));
    private static final JavaType PLAN = StoredJson.type(Care.Versioned.class, StoredJson.type(Care.SafetyPlan.class));
    private static final JavaType RISK = StoredJson.type(Care.Versioned.class, StoredJson.type(Care.Risk.class));

    /** A risk's bytes while its save waits: a level, a source and a time, whatever they are. */
    private static final long RISK_BYTES = 256;

    private final SqlDatabase db;
    private final int versionsKept;
    private final long maxWaitingBytes;
    private final AtomicLong waitingBytes = new AtomicLong();

    /** With the default quota ({@link #DEFAULT_VERSIONS_KEPT}). */
    public SqlCareStore(SqlDatabase db) {
        this(db, DEFAULT_VERSIONS_KEPT);
    }

    /** Keeping at most {@code versionsKept} (at least 1) versions of each record of each client. */
    public SqlCareStore(SqlDatabase db, int versionsKept) {
        this(db, versionsKept, defaultWaitingBytes());
    }

    /** As above, saves waiting for the database holding at most about {@code maxWaitingBytes}. */
    SqlCareStore(SqlDatabase db, int versionsKept, long maxWaitingBytes) {
        this.db = Objects.requireNonNull(db, "db");
        if (versionsKept < 1) {
            throw new IllegalArgumentException("versionsKept must be at least 1");
        }
        this.versionsKept = versionsKept;
        this.maxWaitingBytes = maxWaitingBytes;
    }

    /** The bytes of care records that may wait for the database by default: a sixteenth of the heap. */
    static long defaultWaitingBytes() {
        return Runtime.getRuntime().maxMemory() / 16;
    }

    /**
     * {@code work} on the client's lane, counting {@code bytes} as waiting until it is done; fails at
     * once when they would take the waiting saves past the bound.
     */
    private <T> CompletionStage<T> save(UserRef client, long bytes, SqlDatabase.Work<T> work) {
        if (waitingBytes.addAndGet(bytes) > maxWaitingBytes) {
            waitingBytes.addAndGet(-bytes);
            return CompletableFuture.failedFuture(
                    new RejectedExecutionException("care records waiting for the database are at their bound"));
        }
        return db.run(lane(client), work).whenComplete((r, failure) -> waitingBytes.addAndGet(-bytes));
    }

    @Override
    public int versionsKept() {
        return versionsKept;
    }

    private static String lane(UserRef client) {
        return "care:" + client.org() + "/" + client.user();
    }

    @Override
    public CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn) {
        return save(client, CopySizes.of(checkIn), c -> {
            long seq;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM check_ins WHERE org = ? AND client = ? AND room = ?")) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, checkIn.room());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    seq = r.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO check_ins (id, org, client, room, seq, body) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, checkIn.id());
                s.setString(2, client.org());
                s.setString(3, client.user());
                s.setString(4, checkIn.room());
                s.setLong(5, seq);
                s.setString(6, StoredJson.write(checkIn));
                s.executeUpdate();
            }
            bound(c, "check_ins", "room", checkIn.room(), "seq", client, seq, checkIn.at());
            return checkIn;
        });
    }

    @Override
    public CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room) {
        return db.query(lane(client), c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT body FROM check_ins WHERE org = ? AND client = ? AND room = ?
                    ORDER BY seq DESC LIMIT 1
                    """)) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, room);
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(StoredJson.read(r.getString(1), Care.CheckIn.class))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> contacts, String by, Instant at) {
        return save(
                client,
                CopySizes.ofContacts(contacts),
                c -> append(c, client, "contacts", List.copyOf(contacts), by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return db.query(lane(client), c -> latest(c, client, "contacts", CONTACTS));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return save(client, CopySizes.of(plan), c -> append(c, client, "plan", plan, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return db.query(lane(client), c -> latest(c, client, "plan", PLAN));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.Risk>> appendRisk(
            UserRef client, Care.Risk risk, String by, Instant at) {
        return save(client, RISK_BYTES, c -> append(c, client, "risk", risk, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.Risk>>> risk(UserRef client) {
        return db.query(lane(client), c -> latest(c, client, "risk", RISK));
    }

    /** The {@code part} of {@code care_versions} rows of a record. */
    private static String part(Part part) {
        return switch (part) {
            case CONTACTS -> "contacts";
            case PLAN -> "plan";
            case RISK -> "risk";
        };
    }

    @Override
    public CompletionStage<List<Long>> versions(UserRef client, Part part) {
        return db.query(lane(client), c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT version FROM care_versions WHERE org = ? AND client = ? AND part = ? ORDER BY version")) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, part(part));
                List<Long> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getLong(1));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    @Override
    public CompletionStage<Integer> checkInCount(UserRef client, String room) {
        return db.query(lane(client), c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT COUNT(*) FROM check_ins WHERE org = ? AND client = ? AND room = ?")) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, room);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    /**
     * Deletes in batches on the housekeeping lane, each batch a transaction of its own; the rows
     * selected by the {@code superseded_at} index, never a current one (whose mark is null).
     */
    @Override
    public CompletionStage<Integer> purgeSuperseded(Instant before) {
        return purge(
                        "DELETE FROM care_versions WHERE (org, client, part, version) IN (SELECT org, client, part,"
                                + " version FROM care_versions WHERE superseded_at < ? LIMIT " + PURGE_BATCH + ")",
                        before,
                        0)
                .thenCompose(versions -> purge(
                        "DELETE FROM check_ins WHERE id IN (SELECT id FROM check_ins WHERE superseded_at < ? LIMIT "
                                + PURGE_BATCH + ")",
                        before,
                        versions));
    }

    private CompletionStage<Integer> purge(String sql, Instant before, int sofar) {
        return db.run(SqlDatabase.HOUSEKEEPING, c -> {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setLong(1, before.toEpochMilli());
                        return s.executeUpdate();
                    }
                })
                .thenCompose(n ->
                        n < PURGE_BATCH ? CompletableFuture.completedFuture(sofar + n) : purge(sql, before, sofar + n));
    }

    private <T> Care.Versioned<T> append(Connection c, UserRef client, String part, T value, String by, Instant at)
            throws SQLException {
        long version;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM care_versions WHERE org = ? AND client = ? AND part = ?")) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                version = r.getLong(1);
            }
        }
        Care.Versioned<T> made = new Care.Versioned<>(version, value, by, at);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO care_versions (org, client, part, version, body) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            s.setLong(4, version);
            s.setString(5, StoredJson.write(made));
            s.executeUpdate();
        }
        bound(c, "care_versions", "part", part, "version", client, version, at);
        return made;
    }

    /**
     * In {@code table}, for {@code client}'s record {@code key} = {@code value}, just given number
     * {@code number} (in {@code order}) at {@code at}: marks the ones before it superseded at {@code
     * at} (only the previous one is unmarked), and deletes those past the quota. Both through the
     * primary key or the unique index, the record's own rows only.
     */
    private void bound(
            Connection c, String table, String key, String value, String order, UserRef client, long number, Instant at)
            throws SQLException {
        String record = " WHERE org = ? AND client = ? AND " + key + " = ? AND " + order + " ";
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE " + table + " SET superseded_at = ?" + record + "< ? AND superseded_at IS NULL")) {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, client.org());
            s.setString(3, client.user());
            s.setString(4, value);
            s.setLong(5, number);
            s.executeUpdate();
        }
        if (number > versionsKept) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + record + "<= ?")) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, value);
                s.setLong(4, number - versionsKept);
                s.executeUpdate();
            }
        }
    }

    private static <T> Optional<Care.Versioned<T>> latest(Connection c, UserRef client, String part, JavaType type)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT body FROM care_versions WHERE org = ? AND client = ? AND part = ?
                ORDER BY version DESC LIMIT 1
                """)) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(StoredJson.read(r.getString(1), type)) : Optional.empty();
            }
        }
    }
}
