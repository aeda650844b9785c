package org.haven.server.sql;

import java.nio.file.Path;
import org.haven.server.push.PushSubscriptions;
import org.haven.server.push.PushSubscriptionsContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link PushSubscriptions} contract on the embedded SQLite database, a fresh file for each test;
 * the same file opened again (as a restarted node opens it) has every subscription.
 */
class SqlitePushSubscriptionsTest extends PushSubscriptionsContract {

    @TempDir
    Path dataDirectory;

    private final TestDatabases databases = new TestDatabases();

    @Override
    protected PushSubscriptions newStore() {
        return new SqlPushSubscriptions(databases.sqlite(dataDirectory));
    }

    @Override
    protected PushSubscriptions sameStoreAgain() {
        return new SqlPushSubscriptions(databases.sqlite(dataDirectory));
    }

    @AfterEach
    void close() {
        databases.close();
    }
}
