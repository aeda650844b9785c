package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenErrorException;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.StoredAlert;
import org.haven.server.auth.Scope;
import org.haven.server.storage.StoreUnreachableException;
import org.haven.server.testing.ApiClient;
import org.haven.server.testing.PostgresProcess;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PostgreSQL that stops answering without going away (SIGSTOP: a hung server, or a partition that
 * drops packets): the connections look healthy and nothing answers, and JDBC by itself waits for
 * ever. A crisis alert still reaches the clinician at once; a read someone waits for is answered at
 * its deadline (5 s), not left without an answer, and a client who checked in here needs none to
 * rejoin; the node says it is degraded; what was kept is stored once the database answers again.
 * A statement whose answer does not come fails past the driver's network time-out. A database that
 * is down (crashed, restarting) is answered {@code 503 unavailable} by the API, not as the server
 * failing.
 */
class PostgresStallIT {

    private static final String GROUP = "group-1";

    private static PostgresProcess postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresProcess.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Nested
    class Node {
        @RegisterExtension
        final TestServer haven = new TestServer(b -> b.databaseUrl(postgres.newDatabase()));

        private final HttpClient http = HttpClient.newHttpClient();

        private String readiness() throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(haven.httpBase() + "/readyz"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        }

        @Test
        void aStalledDatabaseHoldsNoAlertBackAndLeavesNobodyWithoutAnAnswer() throws Exception {
            var bo = haven.login("dr-bo", Role.CLINICIAN, "demo", GROUP);
            haven.join(bo, GROUP);
            var alice = haven.login("alice", Role.CLIENT, "demo", GROUP);
            haven.join(alice, GROUP);
            var carl = haven.login("carl", Role.CLIENT, "demo", GROUP); // not checked in yet
            assertThat(readiness()).contains("\"ready\"");

            try {
                postgres.pause();
                CompletableFuture<ServerMessage.Ok> raise =
                        alice.request(id -> new ClientMessage.AlertRaise(id, GROUP, null, Alerts.Severity.HIGH));
                ServerMessage.AlertNotice notice =
                        bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofMillis(2000));
                assertThat(notice)
                        .as("the clinician is told while the database is stalled")
                        .isNotNull();
                assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
                Replies.assertError(raise, ErrorCode.ALERT_UNCONFIRMED);
                String alert = notice.alert().id();

                // A client who checked in through this node rejoins at once: the gate needs no store.
                long rejoinAt = System.nanoTime();
                alice.request(id -> new ClientMessage.RoomLeave(id, GROUP)).get(5, TimeUnit.SECONDS);
                assertThat(alice.call(id -> new ClientMessage.RoomJoin(id, GROUP), Result.RoomSnapshot.class)
                                .get(5, TimeUnit.SECONDS))
                        .isNotNull();
                assertThat(Duration.ofNanos(System.nanoTime() - rejoinAt)).isLessThan(Duration.ofSeconds(3));

                // The check-in gate reads the database: without a deadline the join waited for ever.
                long joinAt = System.nanoTime();
                CompletableFuture<Result.RoomSnapshot> join =
                        carl.call(id -> new ClientMessage.RoomJoin(id, GROUP), Result.RoomSnapshot.class);
                assertThatThrownBy(() -> join.get(8, TimeUnit.SECONDS))
                        .as("answered, at the database's deadline")
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(HavenErrorException.class);
                assertThat(((HavenErrorException) catchCause(join)).code()).isEqualTo(ErrorCode.INTERNAL);
                assertThat(Duration.ofNanos(System.nanoTime() - joinAt)).isGreaterThan(Duration.ofSeconds(4));
                assertThat(readiness())
                        .as("degraded once the database missed a deadline")
                        .contains("\"degraded\"");

                // An integrator is told to come back, not that the server failed, nor left to its 30 s close.
                long apiAt = System.nanoTime();
                ApiClient.Answer care = haven.api()
                        .get("/api/v1/clients/carl/care", haven.serviceToken("crm", "demo", Scope.CARE_READ));
                assertThat(care.status()).as(care.body()).isEqualTo(503);
                assertThat(care.code()).isEqualTo("unavailable");
                assertThat(care.header("Retry-After")).isEqualTo("1");
                assertThat(Duration.ofNanos(System.nanoTime() - apiAt)).isLessThan(Duration.ofSeconds(8));

                // An alert not in the node's memory is read from the store, within the same deadline
                // (it waited for the 30 s network time-out, past the API's answer deadline).
                long alertAt = System.nanoTime();
                ApiClient.Answer stored = haven.api()
                        .get("/api/v1/alerts/a-0123456789abcdef", haven.serviceToken("crm", "demo", Scope.ALERTS_READ));
                assertThat(stored.status()).as(stored.body()).isEqualTo(503);
                assertThat(stored.code()).isEqualTo("unavailable");
                assertThat(stored.header("Retry-After")).isEqualTo("1");
                assertThat(Duration.ofNanos(System.nanoTime() - alertAt)).isLessThan(Duration.ofSeconds(8));

                postgres.resume();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(haven.server()
                                        .alertStore()
                                        .unclosed()
                                        .toCompletableFuture()
                                        .get(5, TimeUnit.SECONDS))
                                .extracting(StoredAlert::view)
                                .extracting(Alerts.View::id)
                                .contains(alert));
                haven.checkIn(carl, GROUP);
                assertThat(haven.join(carl, GROUP)).isNotNull();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> readiness().contains("\"ready\""));
            } finally {
                postgres.resume();
            }
        }

        @Test
        void theApiAnswersADatabaseOutOfReachUnavailableNotAsAServerFailure() throws Exception {
            String alerts = haven.serviceToken("crm", "demo", Scope.ALERTS_READ);
            String care = haven.serviceToken("ehr", "demo", Scope.CARE_WRITE);
            String risk = "{\"level\":\"high\",\"source\":\"c_ssrs\"}";
            assertThat(haven.api()
                            .get("/api/v1/alerts/a-0123456789abcdef", alerts)
                            .status())
                    .isEqualTo(404);

            postgres.crash();
            try {
                // An alert not in the node's memory is read from the store, which is not there.
                long askedAt = System.nanoTime();
                ApiClient.Answer read = haven.api().get("/api/v1/alerts/a-0123456789abcdef", alerts);
                assertThat(read.status()).as(read.body()).isEqualTo(503);
                assertThat(read.code()).isEqualTo("unavailable");
                assertThat(read.header("Retry-After")).isEqualTo("1");
                assertThat(Duration.ofNanos(System.nanoTime() - askedAt)).isLessThan(Duration.ofSeconds(8));

                // A write the database could not be reached for is not the server failing.
                ApiClient.Answer write = haven.api().put("/api/v1/clients/alice/care/risk", care, risk);
                assertThat(write.status()).as(write.body()).isEqualTo(503);
                assertThat(write.code()).isEqualTo("unavailable");
                assertThat(write.header("Retry-After")).isEqualTo("1");
            } finally {
                postgres.startAgain();
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(40))
                    .until(() -> haven.api()
                                    .put("/api/v1/clients/alice/care/risk", care, risk)
                                    .status()
                            == 200);
            assertThat(haven.api()
                            .get("/api/v1/alerts/a-0123456789abcdef", alerts)
                            .status())
                    .isEqualTo(404);
        }

        private static Throwable catchCause(CompletableFuture<?> f) {
            try {
                f.join();
                throw new AssertionError("not failed");
            } catch (java.util.concurrent.CompletionException e) {
                return e.getCause();
            }
        }
    }

    /** The driver's network time-out: a statement whose answer does not come frees its lane. */
    @Nested
    class Database {
        private final TestDatabases databases = new TestDatabases();

        @AfterEach
        void close() {
            databases.close();
        }

        @Test
        void aStatementWhoseAnswerDoesNotComeFailsPastTheNetworkTimeoutAndTheLaneGoesOn() throws Exception {
            // Migrated without a network time-out: only the lanes' statements have one.
            SqlDatabase db = databases.postgres(
                    postgres.newDatabase(),
                    new SqlDatabase.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)));
            long started = System.nanoTime();
            // pg_sleep stands for a server that says nothing: the driver sees no answer either way.
            CompletableFuture<Integer> silent = db.run("audit", c -> {
                        try (var s = c.createStatement()) {
                            s.execute("SELECT pg_sleep(30)");
                        }
                        return 1;
                    })
                    .toCompletableFuture();
            assertThatThrownBy(() -> silent.get(10, TimeUnit.SECONDS))
                    .as("failed past the network time-out, not after the statement's 30 s")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StoreUnreachableException.class); // lost before its commit: nothing done
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            assertThat(db.run("audit", c -> {
                                try (var s = c.createStatement();
                                        var r = s.executeQuery("SELECT 1")) {
                                    r.next();
                                    return r.getInt(1);
                                }
                            })
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS))
                    .as("the lane, and a connection, are there for the next work")
                    .isEqualTo(1);
        }
    }
}
