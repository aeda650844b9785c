package org.haven.server.sql;

import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.RevocationStoreContract;
import org.haven.server.care.CareStore;
import org.haven.server.care.CareStoreContract;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.KeyDirectoryContract;
import org.haven.server.chat.Mailbox;
import org.haven.server.chat.MailboxContract;
import org.haven.server.testing.PostgresProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The engines' contracts on a real PostgreSQL server started for this class on a free port, a fresh
 * database for each test (migrated by Flyway, as a node does at start).
 */
class PostgresStoresIT {

    private static PostgresProcess postgres;

    @BeforeAll
    static void start() {
        postgres = PostgresProcess.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Nested
    class Alerts extends AlertStoreContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected AlertStore newStore() {
            return new SqlAlertStore(databases.postgres(postgres.newDatabase()));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class CareRecords extends CareStoreContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected CareStore newStore() {
            return new SqlCareStore(databases.postgres(postgres.newDatabase()));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class Keys extends KeyDirectoryContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected KeyDirectory newDirectory() {
            return new SqlKeyDirectory(databases.postgres(postgres.newDatabase()));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class Mailboxes extends MailboxContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected Mailbox newMailbox(int perDevice) {
            return new SqlMailbox(databases.postgres(postgres.newDatabase()), perDevice);
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class Revocations extends RevocationStoreContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected RevocationStore newStore() {
            return new SqlRevocationStore(databases.postgres(postgres.newDatabase()));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }
}
