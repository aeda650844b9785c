package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deadline of a read someone waits for ({@link SqlDatabase.Timeouts}): a database that does not
 * answer (here a lane held by work that does not end, as a hung statement would hold it) fails the
 * caller's read at its deadline instead of holding it for ever; the read it failed never runs; the
 * database is reported unreachable until work succeeds again. A write has no deadline.
 */
class SqliteDatabaseDeadlineTest {

    private static final Duration ANSWER = Duration.ofMillis(300);

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    /** Released when a test ends, so no work is left holding a lane. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        databases.close();
    }

    private SqlDatabase database() {
        return databases.sqlite(
                dataDirectory, new SqlDatabase.Timeouts(ANSWER, Duration.ofMillis(300), Duration.ofSeconds(30)));
    }

    private static int insert(Connection c, long seq) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO audit_records (org, seq, at, line) VALUES ('o-1', ?, 0, '{}')")) {
            s.setLong(1, seq);
            return s.executeUpdate();
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM audit_records");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Holds the lane of {@code key} (SQLite has one) until the test releases it. */
    private CompletableFuture<Integer> holdLane(SqlDatabase db, CountDownLatch started) {
        return db.run("hold", c -> {
                    started.countDown();
                    waitForRelease();
                    return 0;
                })
                .toCompletableFuture();
    }

    private void waitForRelease() {
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReadWaitingPastItsDeadlineFailsAndNeverRuns() throws Exception {
        SqlDatabase db = database();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Integer> held = holdLane(db, started);
        await(started);

        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Long> waiting = db.query("alert", c -> {
                    ran.set(true);
                    return count(c);
                })
                .toCompletableFuture();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .as("failed at its deadline, not held while the lane is")
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(db.reachable())
                        .as("a database that did not answer in time")
                        .isFalse());

        release.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(db.run("after", SqliteDatabaseDeadlineTest::count)
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .as("the lane goes on")
                .isZero();
        assertThat(ran).as("the read its caller was told had failed never ran").isFalse();
        assertThat(db.reachable()).as("work succeeded again").isTrue();
    }

    @Test
    void aWriteHasNoDeadlineItWaitsItsTurnAndCommits() throws Exception {
        SqlDatabase db = database();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Integer> held = holdLane(db, started);
        await(started);

        CompletableFuture<Integer> write = db.run("alert", c -> insert(c, 1)).toCompletableFuture();
        sleep(ANSWER.multipliedBy(3));
        assertThat(write).as("a write is never given up while it waits").isNotDone();

        release.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(write.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(db.run("count", SqliteDatabaseDeadlineTest::count)
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .isEqualTo(1);
    }

    @Test
    void aLongReadFailsAtItsOwnDeadline() throws Exception {
        SqlDatabase db = database();
        CompletableFuture<Long> read = db.read(c -> {
                    long n = count(c);
                    waitForRelease();
                    return n;
                })
                .toCompletableFuture();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }
}
