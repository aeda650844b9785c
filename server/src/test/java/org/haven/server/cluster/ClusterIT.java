package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.auth.DevTokens;
import org.haven.server.auth.Scope;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.ApiClient;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one real Redis, each the packaged jar in its own JVM, both serving: the first node a
 * user of organisation {@code demo} reaches serves it, and the other relays its clients there. A
 * client on node A raises an alert and a clinician on node B receives it, location included; group
 * chat crosses nodes both ways; a token revoked on one node ends the session wherever it runs; the
 * node serving the organisation is killed in the middle of an escalation and the other node takes
 * the organisation and the alert up and carries the escalation on (guarantee 2); a node that dies
 * has its clients' leaves announced within 15 s (guarantee 3); Redis restarted empty mid-traffic
 * loses nothing.
 */
class ClusterIT {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private RedisProcess redis;
    private HavenProcess a;
    private HavenProcess b;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void twoNodes(Map<String, String> extra) throws Exception {
        redis = RedisProcess.start();
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("REDIS_URL", redis.url());
        a = HavenProcess.start(env);
        b = HavenProcess.start(env);
        a.awaitReadiness("ready", Duration.ofSeconds(30));
        b.awaitReadiness("ready", Duration.ofSeconds(30));
    }

    private HavenClient login(HavenProcess node, String sub, Role role, String... rooms) throws Exception {
        return login(node, tokens.mint(sub, role, "demo", List.of(rooms), "Name of " + sub, Duration.ofHours(1)));
    }

    private static HavenClient login(HavenProcess node, String token) throws Exception {
        HavenClient client =
                HavenClient.connect(node.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        client.hello(token).get(10, TimeUnit.SECONDS);
        return client;
    }

    private static void checkIn(HavenClient client) throws Exception {
        client.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientOnOneNodeReachesAClinicianOnTheOther() throws Exception {
        twoNodes(Map.of());
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A now serves "demo"
        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // relayed from B to A
        checkIn(alice);
        bo.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);

        alice.call(id -> new ClientMessage.ChatSend(id, "group-1", "hello from node A"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        ServerMessage.ChatMessage.class,
                        m -> m.text().equals("hello from node A"),
                        Duration.ofSeconds(5)))
                .as("group chat reaches a member on the other node")
                .isNotNull();
        bo.call(id -> new ClientMessage.ChatSend(id, "group-1", "hello from node B"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(
                        ServerMessage.ChatMessage.class,
                        m -> m.text().equals("hello from node B"),
                        Duration.ofSeconds(5)))
                .as("and back")
                .isNotNull();

        long raised = System.nanoTime();
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5));
        long micros = (System.nanoTime() - raised) / 1000;
        assertThat(notice)
                .as("the clinician on node B receives the alert raised on node A")
                .isNotNull();
        assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        System.out.println("cross-node alert raise -> notice on the other node: " + micros + " us");

        bo.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(a.log()).doesNotContain("LEAK:");
        assertThat(b.log()).doesNotContain("LEAK:");
        alice.close();
        bo.close();
    }

    @Test
    void aHelpPressRelayedToAKilledNodeIsStoodInForAndReachesTheCareTeamBeforeTheLeaseRunsOutWithItsLocation()
            throws Exception {
        twoNodes(Map.of());
        HavenClient cy = login(a, "dr-cy", Role.CLINICIAN, "group-1"); // node A now serves "demo"
        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // relayed from B to A
        HavenClient alice = login(b, "alice", Role.CLIENT, "group-1"); // relayed from B to A
        checkIn(alice);

        a.kill();
        cy.abort();
        long pressed = System.nanoTime();
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        Duration answered = Duration.ofNanos(System.nanoTime() - pressed);
        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5));
        Duration reached = Duration.ofNanos(System.nanoTime() - pressed);
        System.out.println("help press relayed to a killed node: received after " + answered.toMillis()
                + " ms, at the clinician on the live node after " + reached.toMillis() + " ms");
        // Long before the dead node's lease runs out (before the stand-in, no answer came until the
        // gateway closed the connection after it, 10-14 s). That it is within 2 s at p99 is measured
        // by the failover benchmark (docs/benchmarks.md), not asserted on a shared CI machine.
        assertThat(answered)
                .as("stored by the node holding the client: received, never silence")
                .isLessThan(LEASE.dividedBy(2));
        assertThat(notice)
                .as("the care team connected to the live node is told")
                .isNotNull();
        assertThat(reached).isLessThan(LEASE.dividedBy(2));
        assertThat(notice.alert().checkIn())
                .as("with the location the client confirmed")
                .isNotNull();
        assertThat(notice.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);

        // Node A's lease runs out: B takes the organisation over, adopts the alert from the store and
        // escalates it; the clinician, reconnecting there, gets it and acknowledges it.
        HavenClient[] back = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (back[0] != null) {
                        back[0].close();
                    }
                    back[0] = login(b, "dr-bo", Role.CLINICIAN, "group-1");
                    return back[0].awaitEvent(
                                            ServerMessage.AlertNotice.class,
                                            n -> n.alert().id().equals(alert),
                                            Duration.ofSeconds(1))
                                    != null
                            && b.log().contains("took up stored alerts");
                });
        back[0].request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        assertThat(back[0].awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .as("the node serving the organisation now carries the alert on")
                .isNotNull();
        assertThat(b.log()).contains("standing in").doesNotContain("LEAK:");
        for (HavenClient c : List.of(bo, alice, back[0])) {
            c.close();
        }
    }

    @Test
    void aHelpPressRelayedToAKilledNodeWhileRedisStallsIsAnsweredWithTheCrisisLineErrorAndStillReachesTheCareTeam()
            throws Exception {
        twoNodes(Map.of());
        HavenClient cy = login(a, "dr-cy", Role.CLINICIAN, "group-1"); // node A now serves "demo"
        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // relayed from B to A
        HavenClient alice = login(b, "alice", Role.CLIENT, "group-1"); // relayed from B to A
        checkIn(alice);

        a.kill();
        cy.abort();
        redis.pause();
        try {
            long pressed = System.nanoTime();
            CompletableFuture<ServerMessage.Ok> answer =
                    alice.request(id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH));
            org.haven.server.testing.Replies.assertError(answer, org.haven.protocol.ErrorCode.ALERT_UNCONFIRMED);
            Duration waited = Duration.ofNanos(System.nanoTime() - pressed);
            System.out.println(
                    "help press relayed to a killed node, Redis stalled: answered in " + waited.toMillis() + " ms");
            assertThat(waited)
                    .as("nothing can store it: the client is told to call the crisis line, long before the lease"
                            + " runs out")
                    .isLessThan(LEASE.dividedBy(2));
            assertThat(bo.awaitEvent(
                            ServerMessage.AlertNotice.class,
                            n -> n.alert().client().equals("alice"),
                            Duration.ofSeconds(3)))
                    .as("the care team connected to the node holding the client is told all the same")
                    .isNotNull();
        } finally {
            redis.resume();
        }
        bo.close();
        alice.close();
    }

    @Test
    void aClientWhoseCheckInAFailureLostIsAskedAgainAndItsAlertGetsTheLocation() throws Exception {
        twoNodes(Map.of());
        String aliceToken =
                tokens.mint("alice", Role.CLIENT, "demo", List.of("group-1"), "Name of alice", Duration.ofHours(1));
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1"); // node A serves "demo"
        HavenClient alice = login(a, aliceToken);
        checkIn(alice);
        for (HavenClient c : List.of(bo, alice)) {
            c.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                    .get(10, TimeUnit.SECONDS);
        }
        // The store loses the check-in (as Redis restarted empty would), then the node that had it dies.
        for (String key : redis.command("KEYS *checkins*").split("\n")) {
            if (!key.isBlank()) {
                redis.command("DEL " + key);
            }
        }
        Map<String, Long> seen = alice.lastSeq();
        String resume = alice.resumeToken();
        a.kill();
        alice.abort();
        bo.abort();

        HavenClient[] again = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    HavenClient c = HavenClient.connect(b.uri(), ClientOptions.defaults())
                            .get(10, TimeUnit.SECONDS);
                    try {
                        c.hello(aliceToken, null, resume, seen).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        c.abort();
                        throw e;
                    }
                    again[0] = c;
                    return true;
                });
        assertThat(again[0].awaitEvent(
                        ServerMessage.CheckInRequested.class, r -> r.room().equals("group-1"), Duration.ofSeconds(5)))
                .as("resumed on the node that took over, which knows no check-in: asked again")
                .isNotNull();

        HavenClient bo2 = login(b, "dr-bo", Role.CLINICIAN, "group-1");
        String alert = again[0].call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        ServerMessage.AlertNotice first = bo2.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5));
        assertThat(first).isNotNull();
        assertThat(first.alert().checkIn())
                .as("nobody knows where the client is yet")
                .isNull();

        Thread.sleep(1_500); // past the alert's first re-read of the care record (1 s), before the next (5 s)
        checkIn(again[0]);
        ServerMessage.AlertNotice located = bo2.awaitEvent(
                ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(alert) && n.alert().checkIn() != null,
                Duration.ofSeconds(2));
        assertThat(located).as("the check-in reaches the open alert at once").isNotNull();
        assertThat(located.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(located.alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .contains("care_updated");
        again[0].close();
        bo2.close();
    }

    @Test
    void aTokenRevokedOnOneNodeEndsTheSessionWhereverItRuns() throws Exception {
        String admin = "an-admin-token-for-the-cluster-test-0123456789";
        twoNodes(Map.of("HAVEN_ADMIN_TOKEN", admin));
        login(a, "alice", Role.CLIENT).close(); // node A serves "demo"
        String token = tokens.mint("mallory", Role.CLIENT, "demo", List.of(), null, Duration.ofHours(1));
        HavenClient mallory = login(b, token); // connected to B, session on A
        String jti = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))
                .get("jti")
                .asText();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/admin/revoke"))
                                .header("Authorization", "Bearer " + admin)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"tokenId\":\"" + jti + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .as("the count covers the session on the other node")
                .isEqualTo("{\"closed\":1}");
        assertThat(mallory.closeFuture().get(1, TimeUnit.SECONDS).code())
                .as("ended within one second")
                .isEqualTo(CloseCode.REVOKED.code());

        HavenClient again =
                HavenClient.connect(a.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        again.hello(token);
        assertThat(again.closeFuture().get(10, TimeUnit.SECONDS).code())
                .as("refused on the other node too")
                .isEqualTo(CloseCode.REVOKED.code());
    }

    @Test
    void theServerApiActsOnEveryNode() throws Exception {
        twoNodes(Map.of());
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        String idp = tokens.mintService(
                "idp-sync", "demo", List.of(Scope.USERS_WRITE, Scope.CARE_READ), Duration.ofHours(1));
        ApiClient onB = new ApiClient(() -> "http://127.0.0.1:" + b.port());
        ApiClient onA = new ApiClient(() -> "http://127.0.0.1:" + a.port());

        assertThat(onB.post("/api/v1/users/alice/disconnect", idp, "").body())
                .as("the count covers the session on the other node")
                .isEqualTo("{\"closed\":1}");
        assertThat(alice.closeFuture().get(1, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.DISCONNECTED.code());
        login(a, "alice", Role.CLIENT, "group-1").close(); // nothing was revoked

        assertThat(onB.post("/api/v1/users/revoke", idp, "{\"user\":\"idp-sync\"}")
                        .status())
                .isEqualTo(200);
        assertThat(onA.get("/api/v1/clients/alice/care", idp).status())
                .as("a service revoked on one node is refused on the other")
                .isEqualTo(401);
    }

    @Test
    void anAlertCallOnEitherNodeRunsOnTheNodeServingTheOrganisationAndOnItsSuccessorOnceItDies() throws Exception {
        twoNodes(Map.of());
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1"); // node A serves "demo"
        bo.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        String tool = tokens.mintService(
                "screening",
                "demo",
                List.of(Scope.ALERTS_WRITE, Scope.ALERTS_READ, Scope.SESSIONS_READ),
                Duration.ofHours(1));
        ApiClient onB = new ApiClient(() -> "http://127.0.0.1:" + b.port());
        assertThat(onB.get("/api/v1/rooms/group-1", tool).body())
                .as("the room lives on node A; node B answers with A's roster")
                .contains("dr-bo");
        String body = "{\"client\":\"alice\",\"room\":\"group-1\",\"severity\":\"high\",\"dedupKey\":\"scr-1\"}";

        ApiClient.Answer raised = onB.post("/api/v1/alerts", tool, body);
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        String alert = raised.json().path("alert").asText();
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5)))
                .as("a raise through node B runs on node A, which serves the organisation, and reaches its clinician")
                .isNotNull();
        assertThat(onB.post("/api/v1/alerts", tool, body)
                        .json()
                        .path("deduplicated")
                        .asBoolean())
                .as("the dedup key is known where the alert is")
                .isTrue();
        assertThat(onB.post("/api/v1/alerts/" + alert + "/acknowledge", tool, "{\"clinician\":\"dr-bo\"}")
                        .status())
                .isEqualTo(200);
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(a.log()).contains("alert raised alert=" + alert).doesNotContain("LEAK:");
        assertThat(b.log()).as("node B only forwarded it").doesNotContain("alert raised alert=" + alert);

        a.kill();
        ApiClient.Answer[] read = new ApiClient.Answer[1];
        Awaitility.await()
                .atMost(LEASE.plusSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    read[0] = onB.get("/api/v1/alerts/" + alert, tool);
                    assertThat(read[0].status())
                            .as("while node A's lease runs out: unavailable, never another answer")
                            .isIn(200, 503);
                    return read[0].status() == 200;
                });
        assertThat(read[0].json().path("state").asText())
                .as("node B took the organisation up, with the alert as stored")
                .isEqualTo("acknowledged");
        bo.close();
    }

    @Test
    void anApiCallForwardedToANodeThatDiedIsAnsweredUnavailableAtOnceNotAfterTheWaitForAnAnswer() throws Exception {
        twoNodes(Map.of("HAVEN_LEASE_TTL", "15s")); // node A's lease outlives it for a while
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1"); // node A serves "demo"
        String tool = tokens.mintService("screening", "demo", List.of(Scope.ALERTS_READ), Duration.ofHours(1));
        ApiClient onB = new ApiClient(() -> "http://127.0.0.1:" + b.port());
        assertThat(onB.get("/api/v1/alerts/no-such-alert", tool).status())
                .as("forwarded to node A, which answers")
                .isEqualTo(404);

        a.kill();
        Thread.sleep(300); // for Redis to drop the dead node's subscription (its socket closed with it)
        long start = System.nanoTime();
        ApiClient.Answer answer = onB.get("/api/v1/alerts/no-such-alert", tool);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.code()).isEqualTo("unavailable");
        assertThat(answer.header("Retry-After")).as("when to try again").isNotNull();
        // Node A's lease still names it for seconds: before, node B waited the whole 10 s for an
        // answer nobody was left to send, on every call until the lease ran out.
        assertThat(took).as("answered at once, not after the wait").isLessThan(Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> b.log().contains("(NotListening)")); // the log is written in the background
        bo.close();
    }

    @Test
    void anApiCallForwardedToAFrozenNodeIsAnsweredUnavailableWhenTheWaitEndsNotDropped() throws Exception {
        twoNodes(Map.of("HAVEN_LEASE_TTL", "15s"));
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1"); // node A serves "demo"
        String tool = tokens.mintService("screening", "demo", List.of(Scope.ALERTS_READ), Duration.ofHours(1));
        ApiClient onB = new ApiClient(() -> "http://127.0.0.1:" + b.port());
        assertThat(onB.get("/api/v1/alerts/no-such-alert", tool).status()).isEqualTo(404);

        a.pause(); // hung: Redis still counts its subscription, so node B waits for its answer
        try {
            long start = System.nanoTime();
            ApiClient.Answer answer = onB.get("/api/v1/alerts/no-such-alert", tool);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // Before, node B's keep-alive closed the silent HTTP client after 4 s, and the
            // integrator got a dropped connection instead of the documented answer.
            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.code()).isEqualTo("unavailable");
            assertThat(took).as("the whole wait for an answer, not a shortcut").isGreaterThan(Duration.ofSeconds(9));
        } finally {
            a.resume();
        }
        bo.close();
    }

    @Test
    void theNodeServingTheOrganisationIsKilledAndTheOtherCarriesTheEscalationOn() throws Exception {
        twoNodes(Map.of("HAVEN_ALERT_ACK_TIMEOUT_HIGH", "3s"));
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // relayed from B to A
        checkIn(alice);
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5)))
                .isNotNull();

        long killedAt = System.nanoTime();
        a.kill();
        assertThat(bo.closeFuture()
                        .get(LEASE.plusSeconds(10).toSeconds(), TimeUnit.SECONDS)
                        .code())
                .as("node B tells its relayed clients to reconnect once node A's lease ran out")
                .isEqualTo(CloseCode.GOING_AWAY.code());

        HavenClient[] night = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    night[0] = login(b, "dr-night", Role.CLINICIAN);
                    return true;
                });
        night[0].request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(10, TimeUnit.SECONDS);
        HavenClient sup = login(b, "sup-kim", Role.SUPERVISOR);
        ServerMessage.AlertNotice onB = sup.awaitEvent(
                ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(alert) && n.alert().tier().equals("supervisors"),
                Duration.ofSeconds(20));
        assertThat(onB)
                .as("the alert climbed to the supervisors on the node that took over")
                .isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(LEASE.plusSeconds(25));
        assertThat(onB.alert().state()).isEqualTo(Alerts.State.RAISED);
        assertThat(onB.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(onB.alert().history()).extracting(Alerts.HistoryEntry::event).contains("raised", "escalated");

        sup.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        assertThat(sup.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(b.log()).doesNotContain("LEAK:");
        for (HavenClient client : List.of(alice, bo, night[0], sup)) {
            client.close();
        }
    }

    @Test
    void theRoomsOfAKilledNodeComeBackOnTheOtherWithWhatEachClientMissed() throws Exception {
        twoNodes(Map.of("HAVEN_RECOVERY_GRACE", "3s"));
        Map<String, String> token = new java.util.HashMap<>();
        for (String user : List.of("alice", "bob", "cy", "dr-bo")) {
            token.put(
                    user,
                    tokens.mint(
                            user,
                            user.startsWith("dr-") ? Role.CLINICIAN : Role.CLIENT,
                            "demo",
                            List.of("group-1"),
                            "Name of " + user,
                            Duration.ofHours(1)));
        }
        Map<String, HavenClient> onA = new java.util.LinkedHashMap<>();
        for (String user : List.of("dr-bo", "alice", "bob", "cy")) { // node A serves "demo"
            HavenClient client = login(a, token.get(user));
            if (!user.startsWith("dr-")) {
                checkIn(client);
            }
            client.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                    .get(10, TimeUnit.SECONDS);
            onA.put(user, client);
        }
        // Bob's connection breaks; while he is away the group goes on; then node A dies.
        HavenClient bob = onA.get("bob");
        bob.awaitEvent(ServerMessage.MemberJoined.class, m -> m.member().user().equals("cy"), Duration.ofSeconds(5));
        Map<String, Long> bobSeen = bob.lastSeq();
        bob.abort();
        onA.get("alice")
                .call(id -> new ClientMessage.ChatSend(id, "group-1", "while you were away"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(onA.get("dr-bo")
                        .awaitEvent(
                                ServerMessage.ChatMessage.class,
                                m -> m.text().equals("while you were away"),
                                Duration.ofSeconds(5)))
                .isNotNull();
        long oldSeq = onA.get("alice").lastSeq().get("group-1");
        long killedAt = System.nanoTime();
        a.kill();

        // Everyone but cy reconnects through node B, resuming; B takes the organisation and its rooms up.
        Map<String, HavenClient> onB = new java.util.LinkedHashMap<>();
        long[] tookOverAt = new long[1];
        for (String user : List.of("alice", "bob", "dr-bo")) {
            Map<String, Long> seen =
                    user.equals("bob") ? bobSeen : onA.get(user).lastSeq();
            HavenClient[] again = new HavenClient[1];
            Awaitility.await()
                    .atMost(LEASE.plusSeconds(20))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        HavenClient c = HavenClient.connect(b.uri(), ClientOptions.defaults())
                                .get(10, TimeUnit.SECONDS);
                        try {
                            c.hello(token.get(user), null, "unknown-to-node-b", seen)
                                    .get(5, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            c.abort();
                            throw e;
                        }
                        again[0] = c;
                        return true;
                    });
            onB.put(user, again[0]);
            if (tookOverAt[0] == 0) {
                tookOverAt[0] = System.nanoTime();
            }
        }
        Duration takeOver = Duration.ofNanos(tookOverAt[0] - killedAt);
        System.out.println("organisation taken over " + takeOver.toMillis() + " ms after node A died");
        assertThat(takeOver)
                .as("node B serves the organisation within 5 s of node A's death")
                .isLessThan(Duration.ofSeconds(5));
        for (Map.Entry<String, HavenClient> e : onB.entrySet()) {
            ServerMessage.RoomResumed resumed = e.getValue()
                    .awaitEvent(
                            ServerMessage.RoomResumed.class, r -> r.room().equals("group-1"), Duration.ofSeconds(10));
            assertThat(resumed).as(e.getKey() + " is told about the room").isNotNull();
            assertThat(resumed.recovered())
                    .as(e.getKey() + " recovers: the room came back from Redis")
                    .isTrue();
        }
        assertThat(onB.get("bob")
                        .awaitEvent(
                                ServerMessage.ChatMessage.class,
                                m -> m.text().equals("while you were away"),
                                Duration.ofSeconds(5)))
                .as("the message bob missed before node A died reaches him from the room's history in Redis")
                .isNotNull();
        ServerMessage.MemberLeft cyLeft = onB.get("alice")
                .awaitEvent(ServerMessage.MemberLeft.class, m -> m.user().equals("cy"), Duration.ofSeconds(15));
        assertThat(cyLeft).as("cy, who did not come back, is announced gone").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                .as("within 10 s of the node's death (guarantee 3 says 15 s)")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(cyLeft.seq())
                .as("the room numbers above everything node A used")
                .isGreaterThan(oldSeq);
        System.out.println("room taken up: cy's leave announced " + (System.nanoTime() - killedAt) / 1_000_000
                + " ms after node A died");

        onB.get("bob")
                .call(id -> new ClientMessage.ChatSend(id, "group-1", "back again"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(onB.get("alice")
                        .awaitEvent(
                                ServerMessage.ChatMessage.class,
                                m -> m.text().equals("back again"),
                                Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(onB.get("dr-bo")
                        .awaitEvent(
                                ServerMessage.ChatMessage.class,
                                m -> m.text().equals("back again"),
                                Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(b.log()).doesNotContain("LEAK:");
        onB.values().forEach(HavenClient::close);
        onA.values().forEach(HavenClient::abort);
    }

    @Test
    void aSessionEndedOrConfiguredBeforeItsNodeDiedStaysSoOnTheNodeThatTakesItUp() throws Exception {
        twoNodes(Map.of());
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1", "group-2"); // node A serves "demo"
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1", "group-2");
        checkIn(alice);
        for (String room : List.of("group-1", "group-2")) {
            bo.call(id -> new ClientMessage.RoomJoin(id, room), Result.RoomSnapshot.class)
                    .get(10, TimeUnit.SECONDS);
        }
        alice.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.SessionEnd(id, "group-1", "group finished"))
                .get(10, TimeUnit.SECONDS);
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class,
                        e -> e.state() == org.haven.protocol.Sessions.State.ENDED,
                        Duration.ofSeconds(5)))
                .isNotNull();
        bo.request(id -> new ClientMessage.SessionConfigure(
                        id, "group-2", org.haven.protocol.Sessions.RoomKind.GROUP, true))
                .get(10, TimeUnit.SECONDS);
        a.kill();

        HavenClient[] again = new HavenClient[1];
        String token = tokens.mint(
                "alice", Role.CLIENT, "demo", List.of("group-1", "group-2"), "Name of alice", Duration.ofHours(1));
        Awaitility.await()
                .atMost(LEASE.plusSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    HavenClient c = HavenClient.connect(b.uri(), ClientOptions.defaults())
                            .get(10, TimeUnit.SECONDS);
                    try {
                        c.hello(token).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        c.abort();
                        throw e;
                    }
                    again[0] = c;
                    return true;
                });
        HavenClient aliceOnB = again[0];
        org.haven.server.testing.Replies.assertError(
                aliceOnB.request(id -> new ClientMessage.RoomJoin(id, "group-1")),
                org.haven.protocol.ErrorCode.SESSION_ENDED);
        aliceOnB.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-2", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(aliceOnB.request(id -> new ClientMessage.RoomJoin(id, "group-2"))
                        .get(10, TimeUnit.SECONDS)
                        .result())
                .as("group-2 still asks for admission")
                .isInstanceOf(Result.Waiting.class);
        aliceOnB.close();
        bo.abort();
        alice.abort();
    }

    @Test
    void anAlertWhoseNodeDiedIsTakenUpWhenItsDeadlinePassesWithNobodyConnected() throws Exception {
        twoNodes(Map.of("HAVEN_ALERT_ACK_TIMEOUT_HIGH", "3s"));
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        checkIn(alice);
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        a.kill();
        alice.abort();
        // Nobody connects anywhere: node B finds the alert's deadline overdue in Redis' sorted set of
        // deadlines, takes the organisation's lease once node A's has run out, and escalates.
        String key = "haven:{demo}:alert:" + alert;
        Awaitility.await()
                .atMost(LEASE.plusSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> b.log().contains("organisation taken up org=demo"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> redis.command("GET " + key).contains("no acknowledgement -> "));
        assertThat(b.log()).doesNotContain("LEAK:");
    }

    @Test
    void afterATakeOverAFreshAlertWaitsForItsReconnectingFacilitatorInsteadOfSkippingToTheSupervisors()
            throws Exception {
        twoNodes(Map.of());
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        checkIn(alice);
        alice.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS); // the room is in the journal: the organisation is live
        // Node B has been serving for longer than the reconnect grace when it takes the organisation over.
        Thread.sleep(16_000);
        a.kill();
        alice.abort();

        HavenClient[] back = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    back[0] = login(b, "alice", Role.CLIENT, "group-1");
                    return true;
                });
        HavenClient sup = login(b, "sup-kim", Role.SUPERVISOR);
        String alert = back[0].call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        assertThat(sup.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(2)))
                .as("not passed to the supervisors while the group's facilitator is reconnecting")
                .isNull();

        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // the facilitator is back
        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5));
        assertThat(notice).isNotNull();
        assertThat(notice.alert().tier()).isEqualTo("facilitators");
        assertThat(notice.alert().undelivered()).isFalse();
        for (HavenClient c : List.of(back[0], sup, bo)) {
            c.close();
        }
    }

    @Test
    void theClientsOfANodeThatDiesLeaveTheirRoomsOnTheNodeServingThem() throws Exception {
        twoNodes(Map.of());
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        HavenClient bo = login(b, "dr-bo", Role.CLINICIAN, "group-1"); // relayed from B to A
        checkIn(alice);
        bo.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);

        long killedAt = System.nanoTime();
        b.kill();
        ServerMessage.MemberLeft left =
                alice.awaitEvent(ServerMessage.MemberLeft.class, m -> m.user().equals("dr-bo"), LEASE.plusSeconds(15));
        assertThat(left)
                .as("node A finds node B gone (its lease ran out) and announces the leave")
                .isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                .as("within 10 s of the node's death (guarantee 3 says 15 s)")
                .isLessThan(Duration.ofSeconds(10));
        alice.call(id -> new ClientMessage.ChatSend(id, "group-1", "still here"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(a.log()).doesNotContain("LEAK:");
        alice.close();
        bo.close();
    }

    @Test
    void redisRestartedMidTrafficLosesNothing() throws Exception {
        twoNodes(Map.of());
        HavenClient alice = login(a, "alice", Role.CLIENT, "group-1"); // node A serves "demo"
        HavenClient bo = login(a, "dr-bo", Role.CLINICIAN, "group-1");
        HavenClient kim = login(b, "dr-kim", Role.CLINICIAN, "group-1"); // relayed from B to A
        checkIn(alice);
        for (HavenClient c : List.of(bo, kim, alice)) {
            c.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                    .get(10, TimeUnit.SECONDS);
        }

        redis.kill();
        assertThat(kim.closeFuture().get(10, TimeUnit.SECONDS).code())
                .as("without the bus, node B tells its relayed client to reconnect")
                .isEqualTo(CloseCode.GOING_AWAY.code());
        a.awaitReadiness("degraded", Duration.ofSeconds(10));
        alice.call(id -> new ClientMessage.ChatSend(id, "group-1", "still here?"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        ServerMessage.ChatMessage.class, m -> m.text().equals("still here?"), Duration.ofSeconds(5)))
                .as("node A's rooms go on")
                .isNotNull();
        org.haven.server.testing.Replies.assertError(
                alice.request(id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH)),
                org.haven.protocol.ErrorCode.ALERT_UNCONFIRMED);
        ServerMessage.AlertNotice notice =
                bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofSeconds(5));
        assertThat(notice)
                .as("the alert reaches the clinician on the node serving the organisation")
                .isNotNull();

        redis.restart(); // empty: every lease, presence entry and the unstored alert must come back
        a.awaitReadiness("ready", Duration.ofSeconds(20));
        b.awaitReadiness("ready", Duration.ofSeconds(20));
        HavenClient[] again = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    again[0] = login(b, "dr-kim", Role.CLINICIAN, "group-1");
                    return true;
                });
        ServerMessage.AlertNotice open = again[0].awaitEvent(
                ServerMessage.AlertNotice.class,
                n -> n.alert().id().equals(notice.alert().id()),
                Duration.ofSeconds(10));
        assertThat(open)
                .as("the relayed clinician gets the open alert, with its location, after Redis returned")
                .isNotNull();
        assertThat(open.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(a.log()).doesNotContain("LEAK:");
        for (HavenClient c : List.of(alice, bo, kim, again[0])) {
            c.close();
        }
    }
}
