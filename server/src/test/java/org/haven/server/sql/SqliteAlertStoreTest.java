package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link AlertStore} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteAlertStoreTest extends AlertStoreContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected AlertStore newStore() {
        return new SqlAlertStore(databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
