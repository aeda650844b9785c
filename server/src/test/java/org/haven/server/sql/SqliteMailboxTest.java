package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.chat.Mailbox;
import org.haven.server.chat.MailboxContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Mailbox} contract on the embedded SQLite database, a fresh file for each test. */
class SqliteMailboxTest extends MailboxContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected Mailbox newMailbox(int perDevice) {
        return new SqlMailbox(databases.sqlite(dataDirectory), perDevice);
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
