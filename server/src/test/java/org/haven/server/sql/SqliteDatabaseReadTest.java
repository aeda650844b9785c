package org.haven.server.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqlDatabase#read} on the embedded SQLite database: a second connection reading beside the one writer (WAL). */
class SqliteDatabaseReadTest extends SqlDatabaseReadContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected SqlDatabase database() {
        return databases.sqlite(dataDirectory);
    }

    @Override
    protected void closeDatabases() {
        databases.close();
    }
}
