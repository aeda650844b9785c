package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditReader;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.AuditVerifier;
import org.haven.server.audit.AuditVerifier.Verification;
import org.haven.server.sql.SqlAuditVerifier.OrgVerification;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail in a database: one sealed chain per organisation, written by several nodes at
 * once, every kind of tampering found by {@link SqlAuditVerifier}, retention that keeps the chain
 * verifiable. Subclasses give a fresh database, and a second connection pool to the same one (another
 * node).
 */
abstract class SqlAuditTrailContract {

    static final AuditKey KEY = AuditKey.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    private static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

    protected final MutableClock clock = new MutableClock(START);
    private final NodeThreads threads = new NodeThreads();
    private final List<SqlAuditTrail> trails = new ArrayList<>();

    /** A fresh database, migrated. */
    protected abstract SqlDatabase database();

    /** Another pool to the database {@link #database()} gave last: what a second node holds. */
    protected abstract SqlDatabase sameDatabaseAgain();

    @AfterEach
    void closeTrails() {
        trails.forEach(SqlAuditTrail::close);
        threads.close();
    }

    protected SqlAuditTrail open(SqlDatabase db, AuditKey key) {
        SqlAuditTrail trail = SqlAuditTrail.open(db, key, clock, threads);
        trails.add(trail);
        return trail;
    }

    protected static AuditEvent event(String org, int i) {
        return new AuditEvent(org, "user-" + i, "alert.acknowledge", "alert:a-" + i, "ok", Map.of("n", "" + i));
    }

    private static void flush(SqlAuditTrail trail) throws Exception {
        trail.flush().get(20, TimeUnit.SECONDS);
    }

    protected static Map<String, Verification> verify(SqlDatabase db) {
        Map<String, Verification> out = new java.util.TreeMap<>();
        for (OrgVerification v : SqlAuditVerifier.verify(db, KEY, null)) {
            out.put(v.org(), v.verification());
        }
        return out;
    }

    private static void sql(SqlDatabase db, String statement, Object... args) {
        db.run("test", c -> {
                    try (PreparedStatement s = c.prepareStatement(statement)) {
                        for (int i = 0; i < args.length; i++) {
                            s.setObject(i + 1, args[i]);
                        }
                        return s.executeUpdate();
                    }
                })
                .toCompletableFuture()
                .join();
    }

    private static String line(SqlDatabase db, String org, long seq) {
        return db.run("test", c -> {
                    try (PreparedStatement s =
                            c.prepareStatement("SELECT line FROM audit_records WHERE org = ? AND seq = ?")) {
                        s.setString(1, org);
                        s.setLong(2, seq);
                        try (var r = s.executeQuery()) {
                            r.next();
                            return r.getString(1);
                        }
                    }
                })
                .toCompletableFuture()
                .join();
    }

    /** Five events of o-1 and three of o-2, interleaved, written and flushed. */
    private SqlDatabase written() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 5; i++) {
            trail.record(event("o-1", i));
            if (i <= 3) {
                trail.record(event("o-2", i));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        flush(trail);
        assertThat(trail.recordsWritten()).isEqualTo(8);
        return db;
    }

    @Test
    void eachOrganisationHasItsOwnChain() throws Exception {
        SqlDatabase db = written();

        assertThat(verify(db))
                .containsEntry("o-1", new Verification(true, 5, -1, -1, null))
                .containsEntry("o-2", new Verification(true, 3, -1, -1, null));
        AuditRecord first = AuditRecord.parseLine(line(db, "o-2", 1));
        assertThat(first.org()).isEqualTo("o-2");
        assertThat(first.prev()).isEqualTo(AuditRecord.GENESIS);
        assertThat(first.at()).isEqualTo(START);
        assertThat(SqlAuditVerifier.verify(db, KEY, "o-2"))
                .extracting(OrgVerification::org)
                .containsExactly("o-2");
    }

    @Test
    void twoNodesWritingAtOnceMakeOneUnbrokenChain() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail a = open(db, KEY);
        SqlAuditTrail b = open(sameDatabaseAgain(), KEY);
        Thread other = new Thread(() -> {
            for (int i = 0; i < 300; i++) {
                b.record(event("o-1", 1000 + i));
            }
        });
        other.start();
        for (int i = 0; i < 300; i++) {
            a.record(event("o-1", i));
        }
        other.join();
        flush(a);
        flush(b);

        assertThat(verify(db)).containsExactly(Map.entry("o-1", new Verification(true, 600, -1, -1, null)));
    }

    @Test
    void aChangedRecordIsFoundAtItsSeq() throws Exception {
        SqlDatabase db = written();
        sql(
                db,
                "UPDATE audit_records SET line = ? WHERE org = 'o-1' AND seq = 3",
                line(db, "o-1", 3).replace("user-3", "user-9"));

        Verification v = verify(db).get("o-1");
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(3);
        assertThat(v.recordsChecked()).isEqualTo(2);
        assertThat(v.problem()).contains("hash");
        assertThat(verify(db).get("o-2").intact()).isTrue();
    }

    @Test
    void aChainRewrittenWithAnotherKeyIsBroken() throws Exception {
        SqlDatabase db = written();
        AuditKey forger = AuditKey.random();
        String prev = AuditRecord.GENESIS;
        for (long seq = 1; seq <= 5; seq++) {
            AuditRecord r = AuditRecord.parseLine(line(db, "o-1", seq));
            AuditRecord resealed = AuditRecord.of(
                    seq,
                    r.at(),
                    new AuditEvent(r.org(), "user-9", r.action(), r.subject(), r.outcome(), r.details()),
                    prev,
                    forger);
            sql(db, "UPDATE audit_records SET line = ? WHERE org = 'o-1' AND seq = ?", resealed.toJsonLine(), seq);
            prev = resealed.hash();
        }
        sql(
                db,
                "UPDATE audit_chains SET last_hash = ?, seal = ? WHERE org = 'o-1'",
                prev,
                SqlAuditTrail.seal(forger, "o-1", 5, prev, 1, AuditRecord.GENESIS));

        Verification v = verify(db).get("o-1");
        assertThat(v.intact()).isFalse();
        assertThat(v.problem()).contains("head does not hold its seal");
    }

    @Test
    void removedRecordsAreFoundInTheMiddleAndAtTheEnd() throws Exception {
        SqlDatabase db = written();
        sql(db, "DELETE FROM audit_records WHERE org = 'o-1' AND seq = 2");
        sql(db, "DELETE FROM audit_records WHERE org = 'o-2' AND seq = 3");

        Map<String, Verification> found = verify(db);
        assertThat(found.get("o-1").firstBrokenSeq()).isEqualTo(3);
        assertThat(found.get("o-1").problem()).isEqualTo("seq 3 where 2 was expected");
        assertThat(found.get("o-2").problem()).isEqualTo("the chain ends at record 2 but its head names record 3");
    }

    @Test
    void aTailCutOffWithItsHeadMovedIsFoundAndStaysFoundAfterMoreWrites() throws Exception {
        SqlDatabase db = written();
        AuditRecord fourth = AuditRecord.parseLine(line(db, "o-1", 4));
        sql(db, "DELETE FROM audit_records WHERE org = 'o-1' AND seq = 5");
        sql(db, "UPDATE audit_chains SET last_seq = 4, last_hash = ? WHERE org = 'o-1'", fourth.hash());

        assertThat(verify(db).get("o-1").problem()).contains("head does not hold its seal");

        // The next node to write does not seal the changed head again: that would hide the cut.
        SqlAuditTrail next = open(db, KEY);
        next.record(event("o-1", 6));
        flush(next);
        assertThat(verify(db).get("o-1").problem()).contains("head does not hold its seal");
    }

    @Test
    void retentionRemovesTheOldestRecordsAndTheChainStillVerifies() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 3; i++) {
            trail.record(event("o-1", i));
        }
        trail.record(event("o-2", 1));
        clock.advance(Duration.ofDays(10));
        for (int i = 4; i <= 5; i++) {
            trail.record(event("o-1", i));
        }
        flush(trail);

        int removed = trail.removeBefore(START.plus(Duration.ofDays(5)))
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);

        // o-1 loses its three old records; o-2's only record is its last, which is always kept.
        assertThat(removed).isEqualTo(3);
        assertThat(verify(db))
                .containsEntry("o-1", new Verification(true, 2, -1, -1, null))
                .containsEntry("o-2", new Verification(true, 1, -1, -1, null));
        trail.record(event("o-1", 6));
        flush(trail);
        assertThat(verify(db).get("o-1")).isEqualTo(new Verification(true, 3, -1, -1, null));

        // Removing more than retention did, without the key to move the head, is found.
        sql(db, "DELETE FROM audit_records WHERE org = 'o-1' AND seq = 4");
        assertThat(verify(db).get("o-1").problem()).contains("seq 5 where 4 was expected");
    }

    /** A backlog of more than one purge step (a first purge after a long time) goes whole, in steps. */
    @Test
    void retentionRemovesABacklogOfMoreThanOneStep() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        int old = 2 * SqlAuditTrail.PRUNE_STEP + 5;
        for (int i = 1; i <= old; i++) {
            trail.record(event("o-1", i));
        }
        clock.advance(Duration.ofDays(10));
        trail.record(event("o-1", old + 1));
        flush(trail);

        int removed = trail.removeBefore(START.plus(Duration.ofDays(5)))
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);

        assertThat(removed).isEqualTo(old);
        assertThat(verify(db)).containsEntry("o-1", new Verification(true, 1, -1, -1, null));
    }

    @Test
    void aNodeWithAnotherKeyIsRefused() throws Exception {
        SqlDatabase db = written();

        assertThatThrownBy(() -> open(db, AuditKey.random()))
                .isInstanceOf(org.haven.server.storage.StorageUnavailableException.class)
                .hasMessageContaining("another key")
                .hasMessageContaining("HAVEN_AUDIT_KEY")
                .hasMessageContaining(KEY.id());
    }

    @Test
    void recordsWithoutAHeadAreBroken() throws Exception {
        SqlDatabase db = written();
        sql(db, "DELETE FROM audit_chains WHERE org = 'o-2'");

        assertThat(verify(db).get("o-2").problem()).isEqualTo("records without a chain head");
    }

    private static AuditReader.Page page(
            SqlAuditTrail trail, String org, Instant from, Instant to, long after, int limit) throws Exception {
        return page(trail, org, from, to, AuditReader.Cursor.after(after), limit);
    }

    private static AuditReader.Page page(
            SqlAuditTrail trail, String org, Instant from, Instant to, AuditReader.Cursor after, int limit)
            throws Exception {
        return trail.reader()
                .orElseThrow()
                .page(org, from, to, after, limit)
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    private static List<Long> seqs(AuditReader.Page page) {
        return page.lines().stream().map(l -> AuditRecord.parseLine(l).seq()).toList();
    }

    @Test
    void anOrganisationsChainIsReadBackByTimeAPageAtATimeAndVerifiesFromTheHashBefore(@TempDir Path dir)
            throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 5; i++) { // o-1 at START + 0..4 s, o-2 at START + 0..2 s
            trail.record(event("o-1", i));
            if (i <= 3) {
                trail.record(event("o-2", i));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        flush(trail);

        // [from, to): the record at from is in, the one at to is out; only the organisation's.
        AuditReader.Page range = page(trail, "o-1", START.plusSeconds(1), START.plusSeconds(4), 0, 100);
        assertThat(seqs(range)).containsExactly(2L, 3L, 4L);
        assertThat(range.next()).isNull();
        assertThat(range.more()).isFalse();
        assertThat(range.lines())
                .allSatisfy(l -> assertThat(AuditRecord.parseLine(l).org()).isEqualTo("o-1"));
        assertThat(range.lines().get(0)).isEqualTo(line(db, "o-1", 2)); // as stored
        assertThat(seqs(page(trail, "o-2", START, START.plusSeconds(60), 0, 100)))
                .containsExactly(1L, 2L, 3L);
        assertThat(page(trail, "o-3", START, START.plusSeconds(60), 0, 100).lines())
                .isEmpty();
        assertThat(page(trail, "o-1", START.plusSeconds(5), START.plusSeconds(60), 0, 100))
                .isEqualTo(new AuditReader.Page(List.of(), null));

        // Pages follow the cursor to the end of the run, which it carries from the first page on.
        AuditReader.Page first = page(trail, "o-1", START, START.plusSeconds(60), 0, 2);
        assertThat(seqs(first)).containsExactly(1L, 2L);
        assertThat(first.next()).isEqualTo(new AuditReader.Cursor(2, 1, 5));
        AuditReader.Page second = page(trail, "o-1", START, START.plusSeconds(60), first.next(), 2);
        assertThat(seqs(second)).containsExactly(3L, 4L);
        assertThat(second.next()).isEqualTo(new AuditReader.Cursor(4, 1, 5));
        AuditReader.Page last = page(trail, "o-1", START, START.plusSeconds(60), second.next(), 2);
        assertThat(seqs(last)).containsExactly(5L);
        assertThat(last.more()).isFalse();

        // The range's lines are a chain from the hash of the record before them.
        Path export = dir.resolve("export.jsonl");
        java.nio.file.Files.write(export, range.lines());
        String before = AuditRecord.parseLine(line(db, "o-1", 1)).hash();
        assertThat(AuditVerifier.verifyExport(export, KEY, before)).isEqualTo(new Verification(true, 3, -1, -1, null));
        assertThat(AuditVerifier.verifyExport(export, KEY, AuditRecord.GENESIS).problem())
                .contains("records are missing before it");
    }

    @Test
    void aRecordStampedOutsideTheRangeInsideItsRunIsReadSoTheChainHasNoGap() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        clock.advance(Duration.ofSeconds(10));
        trail.record(event("o-1", 1));
        clock.advance(Duration.ofSeconds(-5)); // another node, its clock behind
        trail.record(event("o-1", 2));
        clock.advance(Duration.ofSeconds(6));
        trail.record(event("o-1", 3));
        clock.advance(Duration.ofSeconds(10));
        trail.record(event("o-1", 4));
        flush(trail);

        assertThat(seqs(page(trail, "o-1", START.plusSeconds(10), START.plusSeconds(12), 0, 100)))
                .containsExactly(1L, 2L, 3L);
        assertThat(seqs(page(trail, "o-1", START.plusSeconds(10), START.plusSeconds(12), 1, 100)))
                .containsExactly(2L, 3L);
    }

    @Test
    void aPageStopsAtAboutAMegabyteWhateverItsLimit() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 12; i++) {
            trail.record(new AuditEvent("o-1", "u", "a", "s", "ok", Map.of("pad", "x".repeat(100_000))));
        }
        flush(trail);

        AuditReader.Page page = page(trail, "o-1", START, START.plusSeconds(1), 0, 1_000);
        assertThat(page.lines()).hasSize(11); // the 11th reaches the bound
        assertThat(page.more()).isTrue();
        assertThat(seqs(page(trail, "o-1", START, START.plusSeconds(1), page.next(), 1_000)))
                .containsExactly(12L);
    }

    @Test
    void laterPagesReadTheRunTheFirstFoundNotTheRangeAgain() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 4; i++) {
            trail.record(event("o-1", i));
        }
        flush(trail);
        Instant to = START.plusSeconds(60);
        AuditReader.Page first = page(trail, "o-1", START, to, 0, 2);
        assertThat(first.next()).isEqualTo(new AuditReader.Cursor(2, 1, 4));

        // Records appended in the range meanwhile are not in this export: its run was fixed by the first page.
        trail.record(event("o-1", 5));
        trail.record(event("o-1", 6));
        flush(trail);
        AuditReader.Page last = page(trail, "o-1", START, to, first.next(), 100);
        assertThat(seqs(last)).containsExactly(3L, 4L);
        assertThat(last.more()).isFalse();
        assertThat(seqs(page(trail, "o-1", START, to, 0, 100)))
                .as("a new export finds them")
                .hasSize(6);
    }

    @Test
    void aCursorWhoseRunIsNotTheRangesIsNotTakenSoNothingOutsideTheRunIsRead() throws Exception {
        SqlDatabase db = database();
        SqlAuditTrail trail = open(db, KEY);
        for (int i = 1; i <= 6; i++) { // o-1 at START + 0..5 s; o-2 has 1..3
            trail.record(event("o-1", i));
            if (i <= 3) {
                trail.record(event("o-2", i));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        flush(trail);
        Instant from = START.plusSeconds(2);
        Instant to = START.plusSeconds(4); // the run is 3..4

        // A cursor widened to records outside the range, or to another organisation's run: the run is found again.
        assertThat(seqs(page(trail, "o-1", from, to, new AuditReader.Cursor(0, 1, 6), 100)))
                .containsExactly(3L, 4L);
        assertThat(seqs(page(trail, "o-1", from, to, new AuditReader.Cursor(0, 3, 6), 100)))
                .containsExactly(3L, 4L);
        assertThat(seqs(page(trail, "o-2", START, START.plusSeconds(60), new AuditReader.Cursor(0, 1, 6), 100)))
                .containsExactly(1L, 2L, 3L);
        // A cursor past the run's end, or one whose records are gone: an empty last page, never a loop.
        assertThat(page(trail, "o-1", from, to, new AuditReader.Cursor(4, 3, 4), 100))
                .isEqualTo(new AuditReader.Page(List.of(), null));
        assertThat(page(trail, "o-1", from, to, new AuditReader.Cursor(9, 3, 4), 100))
                .isEqualTo(new AuditReader.Page(List.of(), null));
    }
}
