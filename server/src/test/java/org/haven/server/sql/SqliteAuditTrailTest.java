package org.haven.server.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail contract on the embedded SQLite database, a fresh file for each test. */
class SqliteAuditTrailTest extends SqlAuditTrailContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected SqlDatabase database() {
        return databases.sqlite(dataDirectory);
    }

    @Override
    protected SqlDatabase sameDatabaseAgain() {
        return databases.sqlite(dataDirectory);
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
