package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.haven.protocol.E2e;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StoredAlert;
import org.haven.server.audit.AuditVerifier.Verification;
import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.RevocationStoreContract;
import org.haven.server.care.CareStore;
import org.haven.server.care.CareStoreContract;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.KeyDirectoryContract;
import org.haven.server.chat.Mailbox;
import org.haven.server.chat.MailboxContract;
import org.haven.server.config.Settings;
import org.haven.server.presence.UserRef;
import org.haven.server.push.PushSubscriptions;
import org.haven.server.push.PushSubscriptionsContract;
import org.haven.server.storage.StorageUnavailableException;
import org.haven.server.testing.PostgresProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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

    /** A server that is there but will not have the node stops the start, naming the setting, never the password. */
    @Nested
    class Start {
        private final TestDatabases databases = new TestDatabases();

        @AfterEach
        void close() {
            databases.close();
        }

        @Test
        void aUserTheServerRefusesIsSaidSo() {
            String url =
                    "postgresql://nobody:a-password-that-must-stay-hidden@127.0.0.1:" + postgres.port() + "/postgres";
            assertThatThrownBy(() -> databases.postgres(url))
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessage("the database HAVEN_DATABASE_URL names cannot be reached (postgresql://nobody:"
                            + Settings.MASK + "@127.0.0.1:" + postgres.port() + "/postgres): the user name or"
                            + " password was refused");
        }

        @Test
        void aDatabaseThatIsNotThereIsSaidSo() {
            String url = "postgresql://haven@127.0.0.1:" + postgres.port() + "/no_such_database";
            assertThatThrownBy(() -> databases.postgres(url))
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessageEndingWith("): no such database");
        }
    }

    @Nested
    class Alerts extends AlertStoreContract {
        private final TestDatabases databases = new TestDatabases();
        private String url = "";

        @Override
        protected AlertStore newStore() {
            url = postgres.newDatabase();
            return new SqlAlertStore(databases.postgres(url));
        }

        @Override
        protected AlertStore storeWithEarlierAlerts(List<StoredAlert> alerts) throws Exception {
            String earlier = postgres.newDatabase();
            return AlertsBeforeSearch.store(earlier, alerts, () -> databases.postgres(earlier));
        }

        /**
         * With 20,000 alerts of an organisation, a search reads its page from the index, in its order,
         * and stops at the LIMIT: no scan of the table, no sort.
         */
        @Test
        void aSearchReadsItsPageFromTheIndex() throws Exception {
            store();
            Instant from = Instant.parse("2030-03-01T00:00:00Z");
            Instant to = Instant.parse("2030-03-31T00:00:00Z");
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO alerts (id, org, is_open, body, raised_at, state)"
                        + " SELECT 'a-' || g, CASE WHEN g % 10 = 0 THEN 'other' ELSE 'demo' END, 0, '{}',"
                        + " " + from.toEpochMilli() + " + g * 60000, 'CLOSED' FROM generate_series(1, 20000) g");
                s.execute("ANALYZE alerts");
                for (AlertSearch search : new AlertSearch[] {
                    AlertSearch.of("demo", from, to, 10),
                    new AlertSearch("demo", from, to, null, null, to.minusSeconds(3600), "a-1", 10),
                    new AlertSearch("demo", from, to, org.haven.protocol.Alerts.State.CLOSED, null, null, null, 10)
                }) {
                    String plan = plan(c, search);
                    assertThat(plan)
                            .as(search.toString())
                            .contains("Limit")
                            .contains("Index Scan using alerts_by_raised_at")
                            .doesNotContain("Sort")
                            .doesNotContain("Seq Scan");
                }
            }
        }

        private static String plan(Connection c, AlertSearch search) throws Exception {
            try (PreparedStatement s = c.prepareStatement("EXPLAIN " + SqlAlertStore.searchSql(search))) {
                int i = 1;
                s.setString(i++, search.org());
                s.setLong(i++, search.from().toEpochMilli());
                s.setLong(i++, search.to().toEpochMilli());
                if (search.afterRaisedAt() != null) {
                    s.setLong(i++, search.afterRaisedAt().toEpochMilli());
                    s.setLong(i++, search.afterRaisedAt().toEpochMilli());
                    s.setString(i++, search.afterId());
                }
                if (search.state() != null) {
                    s.setString(i++, search.state().name());
                }
                s.setInt(i, search.limit());
                StringBuilder plan = new StringBuilder();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        plan.append(r.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            }
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
        protected CareStore newStore(int versionsKept) {
            return new SqlCareStore(databases.postgres(postgres.newDatabase()), versionsKept);
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

    @Nested
    class Push extends PushSubscriptionsContract {
        private final TestDatabases databases = new TestDatabases();
        private String url = "";

        @Override
        protected PushSubscriptions newStore() {
            url = postgres.newDatabase();
            return new SqlPushSubscriptions(databases.postgres(url));
        }

        @Override
        protected PushSubscriptions sameStoreAgain() {
            return new SqlPushSubscriptions(databases.postgres(url));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class Reads extends SqlDatabaseReadContract {
        private final TestDatabases databases = new TestDatabases();

        @Override
        protected SqlDatabase database() {
            return databases.postgres(postgres.newDatabase());
        }

        @Override
        protected void closeDatabases() {
            databases.close();
        }
    }

    @Nested
    class AuditTrail extends SqlAuditTrailContract {
        private final TestDatabases databases = new TestDatabases();
        private String url = "";

        @Override
        protected SqlDatabase database() {
            url = postgres.newDatabase();
            return databases.postgres(url);
        }

        @Override
        protected SqlDatabase sameDatabaseAgain() {
            return databases.postgres(url);
        }

        /**
         * The database goes down while the trail writes and comes back: the writer tries again until
         * it can, so every event accepted meanwhile is in the chain, in order, and flush reports no loss.
         */
        @Test
        void eventsRecordedWhileTheDatabaseIsDownAreWrittenOnceItIsBack() throws Exception {
            SqlDatabase db = database();
            SqlAuditTrail trail = open(db, KEY);
            for (int i = 1; i <= 5; i++) {
                trail.record(event("o-1", i));
            }
            trail.flush().get(20, TimeUnit.SECONDS);

            postgres.crash();
            for (int i = 6; i <= 10; i++) {
                trail.record(event("o-1", i));
            }
            CompletableFuture<Void> flushed = trail.flush();
            Thread.sleep(1_500); // the batch fails and is tried again while the database is down
            assertThat(flushed).isNotDone();
            postgres.startAgain();

            flushed.get(60, TimeUnit.SECONDS);
            assertThat(trail.failures()).isZero();
            assertThat(verify(db)).containsExactly(Map.entry("o-1", new Verification(true, 10, -1, -1, null)));
        }

        @AfterEach
        void close() {
            databases.close();
        }
    }

    @Nested
    class Migration {
        private final TestDatabases databases = new TestDatabases();

        @AfterEach
        void close() {
            databases.close();
        }

        /** Records stored before V5 start their retention at the migration (see {@link RecordsBeforeRetention}). */
        @Test
        void recordsStoredBeforeTheRetentionExistedStartTheirRetentionAtTheMigration() throws Exception {
            String url = postgres.newDatabase();
            RecordsBeforeRetention.check(url, () -> databases.postgres(url));
        }
    }

    /**
     * Two nodes on one database (two pools, two sets of lanes): what the lanes order on one node,
     * the statements must keep when nodes act at the same moment.
     */
    @Nested
    class AcrossNodes {
        private final TestDatabases databases = new TestDatabases();
        private final UserRef bob = new UserRef("demo", "bob");

        @AfterEach
        void close() {
            databases.close();
        }

        private List<SqlDatabase> twoNodes() {
            String url = postgres.newDatabase();
            return List.of(databases.postgres(url), databases.postgres(url));
        }

        private static <T> T await(CompletionStage<T> stage) throws Exception {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        private static String key(int seed) {
            byte[] bytes = new byte[32];
            bytes[0] = (byte) seed;
            return Base64.getEncoder().encodeToString(bytes);
        }

        private static E2e.DeviceBundle bundle(String fingerprint) {
            return new E2e.DeviceBundle(
                    "phone",
                    new E2e.PublicKey(E2e.X25519, key(1)),
                    new E2e.PublicKey(E2e.ED25519, key(2)),
                    new E2e.Prekey(7, key(3), key(4)),
                    null,
                    fingerprint);
        }

        @Test
        void fetchesOnTwoNodesNeverShareAPrekey() throws Exception {
            List<SqlKeyDirectory> nodes =
                    twoNodes().stream().map(SqlKeyDirectory::new).toList();
            List<E2e.Prekey> prekeys = IntStream.rangeClosed(1, 20)
                    .mapToObj(i -> new E2e.Prekey(i, key(100 + i), null))
                    .toList();
            await(nodes.get(0).publish(bob, bundle("fp-1"), prekeys));
            List<CompletionStage<List<E2e.DeviceBundle>>> fetches = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                fetches.add(nodes.get(i % 2).fetch(bob));
            }
            List<Integer> handedOut = new ArrayList<>();
            for (CompletionStage<List<E2e.DeviceBundle>> f : fetches) {
                E2e.Prekey p = await(f).get(0).oneTimePrekey();
                if (p != null) {
                    handedOut.add(p.keyId());
                }
            }
            assertThat(handedOut)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.rangeClosed(1, 20).boxed().toList());
        }

        @Test
        void publicationsOnTwoNodesEachReportTheIdentityTheyReplaced() throws Exception {
            List<SqlKeyDirectory> nodes =
                    twoNodes().stream().map(SqlKeyDirectory::new).toList();
            await(nodes.get(0).publish(bob, bundle("fp-0"), List.of()));
            List<CompletionStage<Optional<String>>> publications = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                publications.add(nodes.get(i % 2).publish(bob, bundle("fp-" + i), List.of()));
            }
            Set<String> replaced = new HashSet<>();
            for (CompletionStage<Optional<String>> p : publications) {
                replaced.add(await(p).orElseThrow());
            }
            String last = await(nodes.get(0).fetch(bob)).get(0).fingerprint();
            replaced.add(last);
            // A chain: every identity replaced exactly once, but the one left in force.
            assertThat(replaced).hasSize(21);
        }

        @Test
        void putsOnTwoNodesNeverExceedTheBound() throws Exception {
            List<SqlMailbox> nodes =
                    twoNodes().stream().map(db -> new SqlMailbox(db, 3)).toList();
            Instant t0 = Instant.parse("2030-01-02T03:04:05Z");
            String b64 = Base64.getEncoder().encodeToString(new byte[32]);
            String nonce = Base64.getEncoder().encodeToString(new byte[12]);
            List<CompletionStage<Boolean>> puts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                E2e.DirectMessage m = new E2e.DirectMessage(
                        "m-" + i,
                        "alice",
                        new E2e.Envelope("phone", "laptop", E2e.X25519_AES_GCM, b64, null, nonce, b64),
                        t0);
                puts.add(nodes.get(i % 2).put(bob, "phone", m, t0.plusSeconds(3600)));
            }
            int stored = 0;
            for (CompletionStage<Boolean> p : puts) {
                stored += await(p) ? 1 : 0;
            }
            assertThat(stored).isEqualTo(3);
            assertThat(await(nodes.get(1).pending(bob, "phone", t0))).hasSize(3);
        }
    }
}
