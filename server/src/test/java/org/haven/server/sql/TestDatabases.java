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

    /** The PostgreSQL database {@code url} names. */
    SqlDatabase postgres(String url) {
        return keep(SqlDatabase.postgres(url, threads));
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
