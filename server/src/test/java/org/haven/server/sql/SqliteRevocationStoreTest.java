package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.RevocationStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link RevocationStore} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteRevocationStoreTest extends RevocationStoreContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected RevocationStore newStore() {
        return new SqlRevocationStore(databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
