package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditReader;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.QueuedAuditTrail;
import org.haven.server.storage.StorageUnavailableException;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in the SQL database: one chain per organisation ({@code audit_records}), each
 * with a head ({@code audit_chains}) naming its first kept and last record, sealed with the
 * {@link AuditKey}. Events are written in batches by the audit thread, one transaction per batch:
 * for each organisation the head row is locked (so the nodes sharing a PostgreSQL database write one
 * chain in one order), the records are chained on from it and inserted, and the head moves on.
 *
 * <p>A batch the database refuses is tried again, with a growing pause, until it is written or the
 * trail closes (the bounded queue refuses new events meanwhile, counted): the trail is not given up
 * because the database restarted. Records older than the retention are removed by {@link #removeBefore},
 * a prefix of each chain at a time, and the head says where the chain now starts. Each chain is read
 * back by time for an export ({@link #reader}).
 */
public final class SqlAuditTrail extends QueuedAuditTrail {

    private static final Logger log = LoggerFactory.getLogger(SqlAuditTrail.class);
    static final String LANE = "audit";
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LAST_PAUSE = Duration.ofSeconds(5);
    /** How many records of a chain one statement of a purge removes at most. */
    static final int PRUNE_STEP = 10_000;

    private static final String NEW_HEAD = """
            INSERT INTO audit_chains (org, last_seq, last_hash, first_seq, first_prev, seal)
            VALUES (?, 0, ?, 1, ?, ?) ON CONFLICT (org) DO NOTHING
            """;
    // An UPDATE takes the row lock on PostgreSQL (SQLite has one writer at a time anyway), so the same
    // SQL serialises appends on both, where SELECT ... FOR UPDATE is PostgreSQL's alone.
    private static final String LOCK_HEAD = "UPDATE audit_chains SET last_seq = last_seq WHERE org = ?";
    private static final String READ_HEAD =
            "SELECT last_seq, last_hash, first_seq, first_prev, seal FROM audit_chains WHERE org = ?";
    private static final String MOVE_HEAD =
            "UPDATE audit_chains SET last_seq = ?, last_hash = ?, first_seq = ?, first_prev = ?, seal = ? WHERE org = ?";

    private final SqlDatabase db;
    private final AuditKey key;
    private final SqlAuditReader reader;
    private final Set<String> headsReported = ConcurrentHashMap.newKeySet();

    private SqlAuditTrail(SqlDatabase db, AuditKey key, Clock clock) {
        super("database", clock);
        this.db = db;
        this.key = key;
        this.reader = new SqlAuditReader(db);
    }

    /**
     * The trail in {@code db}, sealed with {@code key}, its writer started.
     *
     * @throws StorageUnavailableException when the database's trail is sealed with another key
     */
    public static SqlAuditTrail open(SqlDatabase db, AuditKey key, Clock clock, NodeThreads threads) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(key, "key");
        String sealedWith = db.run(LANE, c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO audit_key (one, key_id) VALUES (1, ?) ON CONFLICT (one) DO NOTHING")) {
                        s.setString(1, key.id());
                        s.executeUpdate();
                    }
                    try (PreparedStatement s = c.prepareStatement("SELECT key_id FROM audit_key WHERE one = 1");
                            ResultSet r = s.executeQuery()) {
                        r.next();
                        return r.getString(1);
                    }
                })
                .toCompletableFuture()
                .join();
        if (!key.id().equals(sealedWith)) {
            // A setting to check, not a failure: the node stops at start (status 2) rather than fork the chains.
            throw StorageUnavailableException.unusable(
                    "the audit key",
                    "HAVEN_AUDIT_KEY",
                    "key id " + key.id(),
                    "the audit trail in the database is sealed with another key (id " + sealedWith
                            + "): give every node the same HAVEN_AUDIT_KEY",
                    null);
        }
        SqlAuditTrail trail = new SqlAuditTrail(db, key, clock);
        trail.start(threads);
        return trail;
    }

    /** The seal of a chain's head: an HMAC over all it says, so neither end can be moved without the key. */
    static String seal(AuditKey key, String org, long lastSeq, String lastHash, long firstSeq, String firstPrev) {
        return key.mac("haven-audit-head\n" + org.length() + ":" + org + "\n" + lastSeq + "\n" + lastHash + "\n"
                + firstSeq + "\n" + firstPrev);
    }

    @Override
    protected void write(List<Pending> batch) throws Exception {
        Map<String, List<Pending>> byOrg = new TreeMap<>(); // one lock order for every node: no deadlock
        for (Pending p : batch) {
            byOrg.computeIfAbsent(p.event().org(), o -> new ArrayList<>()).add(p);
        }
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                db.run(LANE, c -> {
                            for (Map.Entry<String, List<Pending>> e : byOrg.entrySet()) {
                                append(c, e.getKey(), e.getValue());
                            }
                            return batch.size();
                        })
                        .toCompletableFuture()
                        .join();
                if (attempt > 1) {
                    log.info("audit trail written again after {} attempts", attempt);
                }
                return;
            } catch (CompletionException e) {
                if (closing()) {
                    throw e;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn(
                            "audit batch not written, trying again events={} attempt={} ({})",
                            batch.size(),
                            attempt,
                            e.getCause() == null ? "?" : e.getCause().getClass().getSimpleName());
                }
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(LAST_PAUSE) > 0 ? LAST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private void append(Connection c, String org, List<Pending> events) throws SQLException {
        Head head = lockedHead(c, org);
        long seq = head.lastSeq;
        String hash = head.lastHash;
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO audit_records (org, seq, at, line) VALUES (?, ?, ?, ?)")) {
            for (Pending p : events) {
                AuditRecord record = AuditRecord.of(++seq, p.at(), p.event(), hash, key);
                s.setString(1, org);
                s.setLong(2, seq);
                s.setLong(3, p.at().toEpochMilli());
                s.setString(4, record.toJsonLine());
                s.addBatch();
                hash = record.hash();
            }
            s.executeBatch();
        }
        moveHead(c, org, seq, hash, head.firstSeq, head.firstPrev, head.sound);
    }

    /** A chain's head as read; {@code sound} when it held its seal. */
    private record Head(long lastSeq, String lastHash, long firstSeq, String firstPrev, boolean sound) {}

    /** What a head that did not hold its seal is left with: never a valid seal, so the break stays visible. */
    static final String BROKEN = "broken";

    /** The head of {@code org}'s chain, made when new, locked until the transaction ends. */
    private Head lockedHead(Connection c, String org) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(NEW_HEAD)) {
            s.setString(1, org);
            s.setString(2, AuditRecord.GENESIS);
            s.setString(3, AuditRecord.GENESIS);
            s.setString(4, seal(key, org, 0, AuditRecord.GENESIS, 1, AuditRecord.GENESIS));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(LOCK_HEAD)) {
            s.setString(1, org);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(READ_HEAD)) {
            s.setString(1, org);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("audit chain head missing after insert", "HV001");
                }
                long lastSeq = r.getLong(1);
                String lastHash = r.getString(2);
                long firstSeq = r.getLong(3);
                String firstPrev = r.getString(4);
                boolean sound = r.getString(5).equals(seal(key, org, lastSeq, lastHash, firstSeq, firstPrev));
                if (!sound && headsReported.add(org)) {
                    // Writing on: the events must not be lost. The head is never sealed again, so the
                    // verifier keeps naming the break (a resealed head would hide a cut-off tail).
                    log.error("audit chain head does not hold its seal (changed, or sealed with another key);"
                            + " appending anyway, run audit-verify");
                }
                return new Head(lastSeq, lastHash, firstSeq, firstPrev, sound);
            }
        }
    }

    private void moveHead(
            Connection c, String org, long lastSeq, String lastHash, long firstSeq, String firstPrev, boolean sound)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(MOVE_HEAD)) {
            s.setLong(1, lastSeq);
            s.setString(2, lastHash);
            s.setLong(3, firstSeq);
            s.setString(4, firstPrev);
            s.setString(5, sound ? seal(key, org, lastSeq, lastHash, firstSeq, firstPrev) : BROKEN);
            s.setString(6, org);
            s.executeUpdate();
        }
    }

    /**
     * Removes the records accepted before {@code before}, each chain's oldest first and never its last
     * record, moving each head's start; on the database's lane, so it never blocks the caller.
     * Completes with how many records were removed.
     */
    @Override
    public CompletionStage<Integer> removeBefore(Instant before) {
        long ms = before.toEpochMilli();
        return db.run(LANE, c -> {
            List<String> orgs = new ArrayList<>();
            try (PreparedStatement s =
                    c.prepareStatement("SELECT DISTINCT org FROM audit_records WHERE at < ? ORDER BY org")) {
                s.setLong(1, ms);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        orgs.add(r.getString(1));
                    }
                }
            }
            int removed = 0;
            for (String org : orgs) {
                removed += prune(c, org, ms);
            }
            return removed;
        });
    }

    private int prune(Connection c, String org, long beforeMs) throws SQLException {
        Head head = lockedHead(c, org);
        // The newest record old enough to go, short of the last: it and every record before it go, so
        // what stays is a chain from a known start even where nodes' clocks made times not quite ordered.
        @Nullable String lastGone = null;
        long lastGoneSeq = 0;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, line FROM audit_records WHERE org = ? AND at < ? AND seq < ? ORDER BY seq DESC LIMIT 1")) {
            s.setString(1, org);
            s.setLong(2, beforeMs);
            s.setLong(3, head.lastSeq);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    lastGoneSeq = r.getLong(1);
                    lastGone = r.getString(2);
                }
            }
        }
        if (lastGone == null) {
            return 0;
        }
        int removed = 0;
        // In steps, each a statement well within the network time-out, whatever the backlog (a first
        // purge after a long time); one transaction still, so the head moves with the last step.
        try (PreparedStatement s =
                c.prepareStatement("DELETE FROM audit_records WHERE org = ? AND seq > ? AND seq <= ?")) {
            long after = Long.MIN_VALUE; // the first step takes whatever lies below the head's start too
            for (long upTo = head.firstSeq + PRUNE_STEP - 1; ; upTo += PRUNE_STEP) {
                s.setString(1, org);
                s.setLong(2, after);
                s.setLong(3, Math.min(upTo, lastGoneSeq));
                removed += s.executeUpdate();
                if (upTo >= lastGoneSeq) {
                    break;
                }
                after = upTo; // each step a range of its own: none scans what the steps before removed
            }
        }
        String prev = AuditRecord.parseLine(lastGone).hash();
        moveHead(c, org, head.lastSeq, head.lastHash, lastGoneSeq + 1, prev, head.sound);
        return removed;
    }

    /** One chain per organisation: each can be read back, a page at a time ({@link SqlAuditReader}). */
    @Override
    public Optional<AuditReader> reader() {
        return Optional.of(reader);
    }

    @Override
    protected void release() {
        // the database is the engines': they close it
    }
}
