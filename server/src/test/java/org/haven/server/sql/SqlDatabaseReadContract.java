package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SqlDatabase#read}: reads on a thread and a connection of their own, so a long one never
 * holds back a write on a lane (an alert's save) nor is held back by one; they cannot write; past
 * their small queue they are refused at once. Subclasses give a fresh database, migrated.
 */
abstract class SqlDatabaseReadContract {

    /** Released when a test ends, so no read is left holding the read thread. */
    private final CountDownLatch release = new CountDownLatch(1);

    /** A fresh database, migrated. */
    protected abstract SqlDatabase database();

    /** Closes the databases {@link #database()} gave. */
    protected abstract void closeDatabases();

    @AfterEach
    void releaseReadsThenClose() {
        release.countDown(); // before closing: a read still held would hold the close for its deadline
        closeDatabases();
    }

    /** A read that holds the read thread, and its transaction, until the test releases it. */
    private CompletionStage<Long> heldRead(SqlDatabase db, CountDownLatch started) {
        return db.read(c -> {
            long count = count(c);
            started.countDown();
            await(release);
            return count;
        });
    }

    private static long count(java.sql.Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM audit_records");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static int insert(java.sql.Connection c, long seq) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO audit_records (org, seq, at, line) VALUES ('o-1', ?, 0, '{}')")) {
            s.setLong(1, seq);
            return s.executeUpdate();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadThatTakesLongDoesNotDelayAWriteOnAnyLane() throws Exception {
        SqlDatabase db = database();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Long> read = heldRead(db, started).toCompletableFuture();
        await(started);

        // Every lane, so whichever a key hashes to: none waits behind the read.
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            long seq = i;
            writes.add(db.run("alert-" + i, c -> insert(c, seq)).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        assertThat(read).as("the read is still held").isNotDone();

        release.countDown();
        assertThat(read.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(db.read(SqlDatabaseReadContract::count).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(8);
    }

    @Test
    void aReadIsNotHeldBackByAWriteTransactionInProgress() throws Exception {
        SqlDatabase db = database();
        db.run("seed", c -> insert(c, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Integer> write = db.run("alert", c -> {
                    int n = insert(c, 2);
                    writing.countDown();
                    await(commit); // the write's transaction stays open
                    return n;
                })
                .toCompletableFuture();
        await(writing);

        assertThat(db.read(SqlDatabaseReadContract::count).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .as("the last commit, not the write in progress")
                .isEqualTo(1);
        commit.countDown();
        write.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReadCannotWrite() {
        SqlDatabase db = database();

        assertThatThrownBy(
                        () -> db.read(c -> insert(c, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SqlDatabase.SqlStoreException.class);
    }

    @Test
    void readsPastTheQueueAreRefusedAtOnce() throws Exception {
        SqlDatabase db = database();
        CountDownLatch started = new CountDownLatch(1);
        heldRead(db, started);
        await(started);
        List<CompletableFuture<Long>> waiting = new ArrayList<>();
        for (int i = 0; i < SqlDatabase.READ_QUEUE; i++) {
            waiting.add(db.read(SqlDatabaseReadContract::count).toCompletableFuture());
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        CompletableFuture<Long> refused =
                db.read(SqlDatabaseReadContract::count).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(db.run("alert", c -> insert(c, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .as("the lanes take work all the same")
                .isEqualTo(1);

        release.countDown();
        CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    }
}
