package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.KeyDirectoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link KeyDirectory} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteKeyDirectoryTest extends KeyDirectoryContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected KeyDirectory newDirectory() {
        return new SqlKeyDirectory(databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
