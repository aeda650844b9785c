package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.care.CareStore;
import org.haven.server.care.CareStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link CareStore} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteCareStoreTest extends CareStoreContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected CareStore newStore() {
        return new SqlCareStore(databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
