package org.haven.server.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.flywaydb.core.Flyway;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class SqlDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqlDatabase.class);

    /** How many pieces of work one lane holds waiting, at most. */
    static final int QUEUE = 10_000;

    /** How long getting a connection may take, making one included: a start against a silent server fails after it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The database's file in the data directory (SQLite). */
    public static final String SQLITE_FILE = "haven.db";

    /** Which database: a few things differ (SQLite has one writer, so one lane). */
    public enum Kind {
        SQLITE,
        POSTGRESQL
    }

    private final Kind kind;
    private final HikariDataSource pool;
    private final ExecutorService[] lanes;
    private volatile boolean reachable = true;

    private SqlDatabase(Kind kind, HikariConfig config, int lanes, NodeThreads threads, boolean migrate) {
        this.kind = kind;
        config.setMaximumPoolSize(lanes);
        config.setMinimumIdle(lanes);
        config.setAutoCommit(false);
        config.setPoolName("haven-db");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        this.pool = new HikariDataSource(config);
        try {
            if (migrate) {
                Flyway.configure()
                        .dataSource(pool)
                        .locations("classpath:db/migration")
                        .load()
                        .migrate();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.lanes = new ExecutorService[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = threads.bounded("db-" + i, QUEUE);
        }
    }

    /**
     * The SQLite database in {@code dataDirectory} (created with the file on first start), in WAL
     * mode, each commit synced to disk before it completes: "stored" means it survives a crash of the
     * process or the machine.
     */
    public static SqlDatabase sqlite(Path dataDirectory, NodeThreads threads) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("the data directory cannot be created: " + dataDirectory, e);
        }
        return new SqlDatabase(Kind.SQLITE, sqliteConfig(dataDirectory), 1, threads, true);
    }

    /**
     * The database a node with these settings uses (PostgreSQL when {@code url} is not null, else the
     * SQLite file in {@code dataDirectory}), as it is: its schema is not migrated, nothing is created.
     * For tools that only read it, such as {@code audit-verify}.
     *
     * @throws IllegalArgumentException when there is no SQLite file in {@code dataDirectory}
     */
    public static SqlDatabase existing(@Nullable String url, Path dataDirectory, NodeThreads threads) {
        if (url != null) {
            return new SqlDatabase(Kind.POSTGRESQL, postgresConfig(url), 1, threads, false);
        }
        if (!Files.isRegularFile(dataDirectory.resolve(SQLITE_FILE))) {
            throw new IllegalArgumentException("no database in " + dataDirectory + " (no " + SQLITE_FILE + ")");
        }
        return new SqlDatabase(Kind.SQLITE, sqliteConfig(dataDirectory), 1, threads, false);
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

    /**
     * The PostgreSQL database {@code url} names: {@code postgresql://user:password@host:port/db} (as
     * {@code psql} takes it) or a JDBC URL ({@code jdbc:postgresql://host:port/db?user=…}).
     */
    public static SqlDatabase postgres(String url, NodeThreads threads) {
        return new SqlDatabase(Kind.POSTGRESQL, postgresConfig(url), 4, threads, true);
    }

    private static HikariConfig postgresConfig(String url) {
        HikariConfig config = new HikariConfig();
        if (url.startsWith("jdbc:")) {
            config.setJdbcUrl(url);
        } else {
            URI uri = URI.create(url);
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException("HAVEN_DATABASE_URL must be postgresql://… or jdbc:postgresql://…");
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
        return config;
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
     * the database cannot be reached, or the lane is full.
     */
    public <T extends @Nullable Object> CompletionStage<T> run(String key, Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            lanes[Math.floorMod(key.hashCode(), lanes.length)].execute(() -> {
                try (Connection c = pool.getConnection()) {
                    try {
                        T result = work.apply(c);
                        c.commit();
                        reachable = true;
                        done.complete(result);
                    } catch (SQLException | RuntimeException e) {
                        c.rollback();
                        throw e;
                    }
                } catch (SQLException e) {
                    reachable = isValid();
                    // Never the exception's message: it may quote a value, and values are health data.
                    log.warn("database work failed ({}, state {})", e.getClass().getSimpleName(), e.getSQLState());
                    done.completeExceptionally(new SqlStoreException(e.getSQLState()));
                } catch (RuntimeException e) {
                    log.warn("database work failed ({})", e.getClass().getSimpleName());
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
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

    /** Whether the last work reached the database (for {@code /readyz}). */
    public boolean reachable() {
        return reachable;
    }

    /** Stops the lanes (work already given runs, within the deadline), then closes the pool. */
    @Override
    public void close() {
        NodeThreads.stop(Duration.ofSeconds(5), lanes);
        pool.close();
    }

    /** A database failure, named by its SQL state only (a message may quote health data). */
    public static final class SqlStoreException extends RuntimeException {
        SqlStoreException(@Nullable String state) {
            super("database failure, SQL state " + state);
        }
    }
}
