package org.haven.server.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.haven.server.config.Settings;
import org.haven.server.storage.StorageUnavailableException;
import org.haven.server.storage.StoreUnreachableException;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQL database of a node's durable records: a connection pool (HikariCP) over SQLite or
 * PostgreSQL, its schema migrated at start (Flyway, {@code db/migration}, the same SQL on both), and
 * the threads that run the blocking JDBC.
 *
 * <p>Threading: JDBC blocks, so it never runs on an event loop, a room or the alert thread. Every
 * piece of work runs on one of a few single threads ({@code haven-db-N}, a lane), chosen by a key,
 * so the work on one key (an alert, a client's record) is applied in the order it was given, as the
 * engines promise; each lane's queue holds at most {@link #QUEUE} pieces, past which work fails at
 * once ({@link RejectedExecutionException}): the caller's store-failure path (an alert is kept and
 * stored again; a client is told) instead of a heap that grows while the database is slow.
 *
 * <p>Long reads that no alert waits for (the audit export) run apart from the lanes, on their own
 * thread ({@code haven-db-read}) with their own connection ({@link #read}), so they never queue in
 * front of a save: on SQLite a reader in WAL mode reads beside the one writer, from the last commit.
 *
 * <p>A database that stops answering without going away (hung, or cut off by a partition that drops
 * packets) must not leave a person waiting on a read without an answer, nor tell nobody. A read
 * someone waits for ({@link #query}, {@link #read}) fails when it is not done within its {@link
 * Timeouts deadline}, as a Redis command fails after its time-out; a read still queued then is never
 * run; the node reports the database unreachable until work succeeds again. Writes, and reads whose
 * failure would lose what nobody asks for again (adopting a stood-in alert, paging, a revoked user's
 * subscriptions), go through {@link #run}, which has no deadline of its own: a write given up while
 * still queued could be lost to a caller that does not wait for it (a revocation), or committed
 * without the audit record its caller writes on success. On PostgreSQL, a
 * statement whose answer does not come within the network time-out fails and its connection is
 * dropped, so a hung connection holds its lane for that long at most, a write included.
 */
public final class SqlDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqlDatabase.class);

    /** How many pieces of work one lane holds waiting, at most. */
    static final int QUEUE = 10_000;

    /**
     * How many reads {@link #read} holds waiting, at most: few, since each may be long and whoever
     * asked is better told at once to come back (an export is one page at a time per organisation).
     */
    static final int READ_QUEUE = 32;

    private static final String DATABASE_URL = "HAVEN_DATABASE_URL";

    /** How long getting a connection may take, making one included: a start against a silent server fails after it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How long the database is given. {@code answer}: a read someone waits for ({@link #query}),
     * from when it is given; {@code read}: a long read ({@link #read}); {@code network}: on
     * PostgreSQL, one statement's answer on the wire (the driver's socket time-out, whole seconds),
     * past which its connection is dropped. Migrations at start have no network time-out.
     */
    public record Timeouts(Duration answer, Duration read, Duration network) {
        /**
         * 5 s for a read someone waits for (Redis commands have 2 s), 20 s for a long read (under the
         * 30 s an HTTP request waits for its answer), 30 s on the wire.
         */
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    /** The lane key of housekeeping (the retention's purges): one lane, apart from none. */
    public static final String HOUSEKEEPING = "housekeeping";

    /** The database's file in the data directory (SQLite). */
    public static final String SQLITE_FILE = "haven.db";

    /** Which database: a few things differ (SQLite has one writer, so one lane). */
    public enum Kind {
        SQLITE,
        POSTGRESQL
    }

    private final Kind kind;
    private final Timeouts timeouts;
    private final HikariDataSource pool;
    private final ThreadPoolExecutor[] lanes;
    private final HikariDataSource readPool;
    private final ThreadPoolExecutor reader;
    /** Where deadlines fire: never the JDK's shared delayer, on which callers' continuations would run. */
    private final ScheduledThreadPoolExecutor deadlines;

    private volatile boolean reachable = true;

    private SqlDatabase(
            Kind kind,
            HikariConfig config,
            HikariConfig readConfig,
            int lanes,
            @Nullable HikariDataSource migrations,
            NodeThreads threads,
            boolean migrate,
            Timeouts timeouts) {
        this.kind = kind;
        this.timeouts = timeouts;
        config.setMaximumPoolSize(lanes);
        config.setMinimumIdle(lanes);
        config.setAutoCommit(false);
        config.setPoolName("haven-db");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        if (migrations != null) {
            // PostgreSQL: migrated on connections of its own, closed before the node's pools open.
            try {
                if (migrate) {
                    migrate(migrations);
                }
            } finally {
                migrations.close();
            }
        }
        this.pool = new HikariDataSource(config);
        try {
            if (migrate && migrations == null) {
                migrate(pool);
                if (kind == Kind.SQLITE) {
                    checkWritable(pool);
                }
            }
            // After the migration: on SQLite the file, and its WAL mode, exist before a reader opens it.
            this.readPool = new HikariDataSource(readOnly(kind, readConfig));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.lanes = new ThreadPoolExecutor[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = threads.bounded("db-" + i, QUEUE);
        }
        this.reader = threads.bounded("db-read", READ_QUEUE);
        this.deadlines = threads.timeouts("db-deadline");
    }

    private static void migrate(HikariDataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // V5 starts the retention of records stored before it at the time it runs.
                .placeholders(Map.of("migrated_at", Long.toString(System.currentTimeMillis())))
                .load()
                .migrate();
    }

    /** {@code config} as the pool of {@link #read}: one connection of its own, which cannot write. */
    private static HikariConfig readOnly(Kind kind, HikariConfig config) {
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        config.setPoolName("haven-db-read");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setReadOnly(true);
        if (kind == Kind.SQLITE) {
            // SQLite fixes read-only when the file is opened (the driver refuses to change it after,
            // so Hikari's setReadOnly(true) must find it so): SQLITE_OPEN_READONLY, without CREATE.
            config.addDataSourceProperty("open_mode", Integer.toString(SQLiteOpenMode.READONLY.flag));
        }
        return config;
    }

    /**
     * The SQLite database in {@code dataDirectory} (created with the file on first start), in WAL
     * mode, each commit synced to disk before it completes: "stored" means it survives a crash of the
     * process or the machine. Fails with {@link StorageUnavailableException} naming {@code
     * HAVEN_DATA_DIR} when the directory or the file cannot be created, opened or written.
     */
    public static SqlDatabase sqlite(Path dataDirectory, NodeThreads threads) {
        return sqlite(dataDirectory, threads, Timeouts.DEFAULT);
    }

    /** {@link #sqlite(Path, NodeThreads)} with other time-outs (tests). */
    static SqlDatabase sqlite(Path dataDirectory, NodeThreads threads, Timeouts timeouts) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            // The system's reason ("Not a directory"), or for a refusal, which has none, its kind.
            String reason = e instanceof AccessDeniedException
                    ? "permission denied"
                    : e instanceof FileSystemException f ? f.getReason() : null;
            throw dataDirectoryUnusable(
                    dataDirectory,
                    e instanceof FileAlreadyExistsException
                            ? "it is a file, not a directory"
                            : "cannot create it" + (reason == null ? "" : " (" + reason.toLowerCase(Locale.ROOT) + ")"),
                    e);
        }
        Path file = dataDirectory.resolve(SQLITE_FILE);
        try {
            return new SqlDatabase(
                    Kind.SQLITE,
                    sqliteConfig(dataDirectory),
                    sqliteConfig(dataDirectory),
                    1,
                    null,
                    threads,
                    true,
                    timeouts);
        } catch (RuntimeException e) {
            String problem = sqliteFileProblem(e, file);
            if (problem == null) {
                throw e;
            }
            throw dataDirectoryUnusable(dataDirectory, problem, e);
        }
    }

    /**
     * The database a node with these settings uses (PostgreSQL when {@code url} is not null, else the
     * SQLite file in {@code dataDirectory}), as it is: its schema is not migrated, nothing is created.
     * For tools that only read it, such as {@code audit-verify}.
     *
     * @throws IllegalArgumentException when there is no SQLite file in {@code dataDirectory}
     */
    public static SqlDatabase existing(@Nullable String url, Path dataDirectory, NodeThreads threads) {
        Timeouts timeouts = Timeouts.DEFAULT;
        if (url != null) {
            return new SqlDatabase(
                    Kind.POSTGRESQL,
                    postgresConfig(url, timeouts.network()),
                    postgresConfig(url, timeouts.network()),
                    1,
                    null,
                    threads,
                    false,
                    timeouts);
        }
        if (!Files.isRegularFile(dataDirectory.resolve(SQLITE_FILE))) {
            throw new IllegalArgumentException("no database in " + dataDirectory + " (no " + SQLITE_FILE + ")");
        }
        return new SqlDatabase(
                Kind.SQLITE,
                sqliteConfig(dataDirectory),
                sqliteConfig(dataDirectory),
                1,
                null,
                threads,
                false,
                timeouts);
    }

    private static HikariConfig sqliteConfig(Path dataDirectory) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + dataDirectory.resolve(SQLITE_FILE));
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "FULL");
        config.addDataSourceProperty("busy_timeout", "5000");
        config.addDataSourceProperty("foreign_keys", "true");
        return config;
    }

    private static StorageUnavailableException dataDirectoryUnusable(Path dataDirectory, String why, Exception cause) {
        return StorageUnavailableException.unusable(
                "the data directory", "HAVEN_DATA_DIR", dataDirectory.toString(), why, cause);
    }

    /**
     * Whether the node can write its records: migrations on a database already at the latest version
     * only read, so a file or directory that is read-only (or a stale {@code -shm} file that is) would
     * otherwise show only when the first alert cannot be stored.
     */
    private static void checkWritable(HikariDataSource pool) {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            int version;
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.next() ? r.getInt(1) : 0;
            }
            s.executeUpdate("PRAGMA user_version = " + version); // a write that changes nothing
            c.rollback();
        } catch (SQLException e) {
            if (e instanceof SQLiteException busy && isBusy(busy)) {
                return; // another writer holds the file past busy_timeout: it can be written
            }
            throw new SqlStoreException(e.getSQLState(), e);
        }
    }

    private static boolean isBusy(SQLiteException e) {
        int primary = e.getResultCode().code & 0xff;
        return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
    }

    /**
     * What keeps the node from using its SQLite file, when that is why {@code failure} happened: the
     * file (or its directory) cannot be opened or written, or is not a database. Null for any other
     * failure (a migration that does not apply, a bug), which is not a setting to check.
     */
    private static @Nullable String sqliteFileProblem(Throwable failure, Path file) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException e) {
                // The primary result code: the extended ones (SQLITE_READONLY_DIRECTORY, ...) share it.
                int primary = e.getResultCode().code & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
                    return "cannot create or open " + file;
                }
                if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_PERM.code) {
                    return "cannot write " + file + " (read-only; check the permissions of the directory, the file"
                            + " and its -wal and -shm files)";
                }
                if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
                    return file + " is not a database";
                }
                return null;
            }
        }
        return null;
    }

    /**
     * The PostgreSQL database {@code url} names: {@code postgresql://user:password@host:port/db} (as
     * {@code psql} takes it) or a JDBC URL ({@code jdbc:postgresql://host:port/db?user=…}). Fails
     * with {@link StorageUnavailableException} naming {@code HAVEN_DATABASE_URL} when the server
     * cannot be reached or refuses the user (within {@link #CONNECT_TIMEOUT}, plus Hikari's one
     * second before it gives up).
     */
    public static SqlDatabase postgres(String url, NodeThreads threads) {
        return postgres(url, threads, Timeouts.DEFAULT);
    }

    /** {@link #postgres(String, NodeThreads)} with other time-outs (tests). */
    static SqlDatabase postgres(String url, NodeThreads threads, Timeouts timeouts) {
        try {
            return new SqlDatabase(
                    Kind.POSTGRESQL,
                    postgresConfig(url, timeouts.network()),
                    postgresConfig(url, timeouts.network()),
                    4,
                    migrationPool(url),
                    threads,
                    true,
                    timeouts);
        } catch (PoolInitializationException e) {
            // Hikari's first connection failed: nothing reached the database.
            throw StorageUnavailableException.unreachable(
                    "the database", DATABASE_URL, Settings.maskPassword(url), postgresProblem(e), e);
        }
    }

    /**
     * Connections for Flyway, without a network time-out: a migration may build an index on a
     * large table for longer than any statement a lane runs. Closed once migrated.
     */
    private static HikariDataSource migrationPool(String url) {
        HikariConfig config = postgresConfig(url, Duration.ZERO);
        config.setMaximumPoolSize(2); // Flyway holds one for its lock and history, one for the migration
        config.setMinimumIdle(0);
        config.setPoolName("haven-db-migrate");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        return new HikariDataSource(config);
    }

    /** {@code network}: the socket time-out, zero for none. */
    private static HikariConfig postgresConfig(String url, Duration network) {
        HikariConfig config = new HikariConfig();
        if (url.startsWith("jdbc:")) {
            config.setJdbcUrl(url);
        } else {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                // Its message quotes the URL, password included: not even the cause.
                throw StorageUnavailableException.unusable(
                        "the database",
                        DATABASE_URL,
                        Settings.maskPassword(url),
                        "not a URL (expected: postgresql://user:password@host:port/database, special characters"
                                + " percent-encoded)",
                        null);
            }
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException(DATABASE_URL + " must be postgresql://… or jdbc:postgresql://…");
            }
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            config.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + uri.getRawPath() + query);
            String userInfo = uri.getUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                config.setUsername(colon < 0 ? userInfo : userInfo.substring(0, colon));
                if (colon >= 0) {
                    config.setPassword(userInfo.substring(colon + 1));
                }
            }
        }
        // The driver waits for a server that accepts but does not answer for ever, unless told (the
        // URL's own values come first); Hikari's time-out bounds only a wait for the pool.
        long seconds = CONNECT_TIMEOUT.toSeconds();
        config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
        config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
        // Nor for the answer to a statement already sent, were the server to hang or the way to it be
        // cut without a reset: the lane would wait for ever. Past this, the statement fails and the
        // driver drops the connection (Hikari makes a new one).
        if (!network.isZero()) {
            config.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, network.toSeconds())));
        }
        return config;
    }

    /** Why PostgreSQL could not be reached, in words safe to print (a server's message may quote a value). */
    private static String postgresProblem(Throwable failure) {
        String connection = StorageUnavailableException.connectionProblem(failure);
        if (connection != null) {
            return connection;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String state = t instanceof SQLException e ? e.getSQLState() : null;
            if (state != null) {
                if (state.startsWith("28")) {
                    return "the user name or password was refused";
                }
                return switch (state) {
                    case "3D000" -> "no such database";
                    case "53300" -> "too many connections";
                    case "57P03" -> "the database is starting up or shutting down";
                    // Without a cause, the driver's login time-out.
                    case "08001" -> t.getCause() == null ? "no answer in time" : "cannot connect (SQL state 08001)";
                    case "08P01" -> "what answers is not PostgreSQL (protocol violation)";
                    default -> "cannot connect (SQL state " + state + ")";
                };
            }
        }
        return "cannot connect";
    }

    /** Which database this is. */
    public Kind kind() {
        return kind;
    }

    /** One piece of work in a transaction. */
    @FunctionalInterface
    public interface Work<T extends @Nullable Object> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on the lane of {@code key}, after the work given before
     * on that key; completes with its result once committed, or fails (rolled back) when it throws,
     * the database cannot be reached, or the lane is full. No deadline: see the class comment.
     */
    public <T extends @Nullable Object> CompletionStage<T> run(String key, Work<T> work) {
        return submit(lane(key), pool, work, null);
    }

    /**
     * {@link #run} for work that only reads, and that someone waits for: it also fails, with a
     * {@link TimeoutException}, when it is not done within {@link Timeouts#answer()} of this call;
     * if it has not started by then it never runs.
     */
    public <T extends @Nullable Object> CompletionStage<T> query(String key, Work<T> work) {
        return submit(lane(key), pool, work, timeouts.answer());
    }

    private ThreadPoolExecutor lane(String key) {
        return lanes[Math.floorMod(key.hashCode(), lanes.length)];
    }

    /**
     * Runs {@code work}, which only reads, in one transaction on the database's read thread with its
     * own read-only connection, never on a lane: a long read (an export's page) delays no write and
     * no other key's work, and sees what was committed when it began. One read at a time, at most
     * {@link #READ_QUEUE} waiting; completes with its result, or fails when it throws (or tries to
     * write), the database cannot be reached, or the queue is full ({@link RejectedExecutionException},
     * at once), or with a {@link TimeoutException} past {@link Timeouts#read()}.
     */
    public <T extends @Nullable Object> CompletionStage<T> read(Work<T> work) {
        return submit(reader, readPool, work, timeouts.read());
    }

    private <T extends @Nullable Object> CompletionStage<T> submit(
            ThreadPoolExecutor thread, HikariDataSource connections, Work<T> work, @Nullable Duration deadline) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable task = () -> {
            if (done.isDone()) {
                return; // past its deadline: its caller was told it failed, so it does not happen after all
            }
            boolean committing = false;
            try (Connection c = connections.getConnection()) {
                try {
                    T result = work.apply(c);
                    committing = true;
                    c.commit();
                    reachable = true;
                    done.complete(result);
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback); // the work's own failure says what happened
                    }
                    throw e;
                }
            } catch (SQLException e) {
                boolean lost = cannotReach(e);
                reachable = !lost && isValid();
                // Never the exception's message: it may quote a value, and values are health data.
                log.warn("database work failed ({}, state {})", e.getClass().getSimpleName(), e.getSQLState());
                // Not reached before the commit: nothing was done. At the commit, the outcome is unknown.
                done.completeExceptionally(
                        lost && !committing
                                ? new StoreUnreachableException("the database could not be reached")
                                : new SqlStoreException(e.getSQLState()));
            } catch (RuntimeException e) {
                log.warn("database work failed ({})", e.getClass().getSimpleName());
                done.completeExceptionally(e);
            }
        };
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
            return done;
        }
        if (deadline != null) {
            ScheduledFuture<?> timer = deadlines.schedule(
                    () -> {
                        if (done.isDone()) {
                            return;
                        }
                        // Said before the caller is answered, so whoever it tells finds the node degraded.
                        boolean wasReachable = reachable;
                        reachable = false;
                        if (done.completeExceptionally(new TimeoutException("no answer within " + deadline))) {
                            thread.remove(task); // still queued: it goes now, and what it holds with it
                            if (wasReachable) {
                                log.warn(
                                        "database did not answer a read within {} ms; unreachable until work succeeds",
                                        deadline.toMillis());
                            }
                        } else {
                            // Answered between the check and now: as it was, or reachable if it succeeded.
                            reachable = wasReachable || !done.isCompletedExceptionally();
                        }
                    },
                    deadline.toMillis(),
                    TimeUnit.MILLISECONDS);
            done.whenComplete((result, failure) -> timer.cancel(false));
        }
        return done;
    }

    private boolean isValid() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Whether {@code e} says the database could not be reached (no connection within the pool's
     * wait, or the connection lost: an I/O failure), not that it refused the work: a connection
     * exception (SQL state class 08), the server shutting down or starting (57P01–57P03); in it or
     * its causes.
     */
    static boolean cannotReach(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof java.io.IOException) {
                return true;
            }
            String state = t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last work reached the database (for {@code /readyz}). */
    public boolean reachable() {
        return reachable;
    }

    /** Stops the lanes and the read thread (work already given runs, within the deadline), then closes the pools. */
    @Override
    public void close() {
        ExecutorService[] threads = Arrays.copyOf(lanes, lanes.length + 2, ExecutorService[].class);
        threads[lanes.length] = reader;
        threads[lanes.length + 1] = deadlines;
        NodeThreads.stop(Duration.ofSeconds(5), threads);
        readPool.close();
        pool.close();
    }

    /** A database failure, named by its SQL state only (a message may quote health data). */
    public static final class SqlStoreException extends RuntimeException {
        SqlStoreException(@Nullable String state) {
            super("database failure, SQL state " + state);
        }

        SqlStoreException(@Nullable String state, SQLException cause) {
            super("database failure, SQL state " + state, cause);
        }
    }
}
