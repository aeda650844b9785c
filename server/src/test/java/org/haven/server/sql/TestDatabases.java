package org.haven.server.sql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.haven.server.threads.NodeThreads;

/** Databases opened by a test, closed with it (their threads too). */
final class TestDatabases implements AutoCloseable {

    private final NodeThreads threads = new NodeThreads();
    private final List<SqlDatabase> open = new ArrayList<>();

    /** The SQLite database in {@code dataDirectory}, made on first use. */
    SqlDatabase sqlite(Path dataDirectory) {
        return keep(SqlDatabase.sqlite(dataDirectory, threads));
    }

    /** {@link #sqlite(Path)} with these time-outs. */
    SqlDatabase sqlite(Path dataDirectory, SqlDatabase.Timeouts timeouts) {
        return keep(SqlDatabase.sqlite(dataDirectory, threads, timeouts));
    }

    /** The PostgreSQL database {@code url} names. */
    SqlDatabase postgres(String url) {
        return keep(SqlDatabase.postgres(url, threads));
    }

    /** {@link #postgres(String)} with these time-outs. */
    SqlDatabase postgres(String url, SqlDatabase.Timeouts timeouts) {
        return keep(SqlDatabase.postgres(url, threads, timeouts));
    }

    private SqlDatabase keep(SqlDatabase db) {
        open.add(db);
        return db;
    }

    @Override
    public void close() {
        open.forEach(SqlDatabase::close);
        threads.close();
    }
}
