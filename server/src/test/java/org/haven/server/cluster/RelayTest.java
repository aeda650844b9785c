package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StandIn;
import org.haven.server.auth.Principal;
import org.haven.server.auth.Revocation;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.session.HelloOutcome;
import org.haven.server.session.RelayedHellos;
import org.haven.server.session.Session;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MapLeases;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay in process, with no sockets: two relays joined by a bus in memory and leases in a map.
 * A relayed session gets its requests in order, also those sent before its hello was answered;
 * sessions of different connections run on different threads; its frames and its close reach the
 * client; a gateway that dies ends its sessions, and a gateway whose organisation moved closes its
 * clients so they reconnect.
 */
class RelayTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A bus in memory: what a node sends another is delivered at once on the sender's thread. */
    static final class Buses {
        final Map<String, Consumer<String>> receivers = new ConcurrentHashMap<>();
        /** What went on the urgent lane, as sent. */
        final List<String> urgent = new CopyOnWriteArrayList<>();
        /** While set, the urgent lane holds its messages (a slow lane) until {@link #held} runs them. */
        volatile boolean holdUrgent;

        final List<Runnable> held = new CopyOnWriteArrayList<>();

        NodeBus of(String node) {
            return new NodeBus() {
                @Override
                public CompletionStage<Void> start(Consumer<String> receiver) {
                    receivers.put(node, receiver);
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> send(String to, String message) {
                    Consumer<String> r = receivers.get(to);
                    if (r == null) {
                        return CompletableFuture.failedFuture(new IllegalStateException("no node " + to));
                    }
                    r.accept(message);
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> sendUrgent(String to, String message) {
                    urgent.add(message);
                    if (holdUrgent) {
                        held.add(() -> send(to, message));
                        return CompletableFuture.completedFuture(null);
                    }
                    return send(to, message);
                }

                @Override
                public CompletionStage<Long> broadcast(String message) {
                    receivers.values().forEach(r -> r.accept(message));
                    return CompletableFuture.completedFuture((long) receivers.size());
                }

                @Override
                public boolean isUp() {
                    return true;
                }
            };
        }
    }

    /** A session on the owner that keeps what it is given, and on which thread. */
    static final class Recorded implements Session {
        final Connection connection;
        final List<String> ids = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile boolean closed;

        Recorded(Connection connection) {
            this.connection = connection;
        }

        /** While set, raises are kept unanswered (an owner that died or stalls). */
        volatile boolean silentOnRaises;

        /** The result each request is answered with. */
        volatile java.util.function.Function<ClientMessage, Result> results = m -> null;

        @Override
        public void onMessage(ClientMessage message) {
            ids.add(message.id());
            threads.add(Thread.currentThread().getName());
            if (!(silentOnRaises && message instanceof ClientMessage.AlertRaise)) {
                connection.send(Outbound.of(new ServerMessage.Ok(message.id(), results.apply(message))));
            }
        }

        @Override
        public void onInvalid(Decoded.Invalid invalid) {}

        @Override
        public void onClosed() {
            closed = true;
        }
    }

    private final MapLeases leases = new MapLeases();
    /** How many sessions each node says a revocation ended there. */
    private final Map<String, Integer> revokedHere = new ConcurrentHashMap<>();

    private final Map<String, Integer> disconnectedHere = new ConcurrentHashMap<>();

    private final Buses buses = new Buses();
    private final Map<String, Recorded> sessions = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> hellosAnswered = CompletableFuture.completedFuture(null);
    private final RelayedHellos owner = (connection, hello) -> hellosAnswered.thenApply(v -> {
        Recorded s = new Recorded(connection);
        sessions.put(connection.id(), s);
        return new HelloOutcome.Accepted(s);
    });
    private final RelayedHellos none = (connection, hello) ->
            CompletableFuture.completedFuture(new HelloOutcome.Refused(CloseCode.AUTH_FAILED, "not here"));
    private final NodeThreads threads = new NodeThreads();
    /** Each node's stand-in: refuses until told to stand in; records adoptions. */
    private final Map<String, StandIns> standIns = new ConcurrentHashMap<>();

    private final Map<String, OrgOwnership> ownerships = new ConcurrentHashMap<>();
    private final Relay gateway = relay("n-a", none);
    private final Relay serving = relay("n-b", owner);

    private Relay relay(String node, RelayedHellos hellos) {
        StandIns standIn = new StandIns();
        standIns.put(node, standIn);
        OrgOwnership ownership = new OrgOwnership(leases.of(node), org -> {}, org -> {});
        ownerships.put(node, ownership);
        Relay relay = new Relay(buses.of(node), ownership, hellos, standIn, threads);
        relay.start(r -> revokedHere.getOrDefault(node, 0), u -> disconnectedHere.getOrDefault(node + " " + u, 0))
                .toCompletableFuture()
                .join();
        leases.holders.put("node:" + node, node);
        return relay;
    }

    @AfterEach
    void stop() {
        gateway.close();
        serving.close();
        threads.close();
    }

    private static final Principal CLIENT = new Principal(
            "alice", "demo", Role.CLIENT, Set.of("group-1"), "Alice", null, Instant.parse("2100-01-01T00:00:00Z"));
    private static final Principal CLINICIAN = new Principal(
            "dr-bo", "demo", Role.CLINICIAN, Set.of("group-1"), "Bo", null, Instant.parse("2100-01-01T00:00:00Z"));

    /** A stand-in that stores nothing: it answers as one whose store took the alert, when told to stand in. */
    static final class StandIns implements StandIn {
        volatile boolean standsIn;
        final List<String> adopted = new CopyOnWriteArrayList<>();
        final List<String> pressedOn = new CopyOnWriteArrayList<>();
        final List<Seen> seenOn = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Raised> raise(
                Principal client, ClientMessage.AlertRaise raise, String connection, Seen seen) {
            pressedOn.add(connection);
            seenOn.add(seen);
            if (!standsIn) {
                return CompletableFuture.failedFuture(new IllegalStateException("no stand-in here"));
            }
            Alerts.View view = AlertStoreContract.alert("demo", "a-7", Alerts.State.RAISED, 1)
                    .view();
            return CompletableFuture.completedFuture(new Raised(
                    new Result.AlertReceived("a-7", Alerts.State.RAISED, List.of(), List.of()),
                    Outbound.urgent(new ServerMessage.AlertNotice(ServerMessage.AlertReason.RAISED, view)),
                    CompletableFuture.completedFuture(true)));
        }

        @Override
        public void adopt(String org, String alert) {
            adopted.add(org + "/" + alert);
        }
    }

    private static ClientMessage.Hello hello() {
        return new ClientMessage.Hello("h", "token", List.of(1), null, null, null);
    }

    @Test
    void requestsReachTheSessionInOrderAndItsFramesComeBack() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        for (int i = 0; i < 200; i++) {
            g.forward(new ClientMessage.Ping("p-" + i));
        }
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 200);
        assertThat(sessions.get(alice.id()).ids)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200)
                        .mapToObj(i -> "p-" + i)
                        .toList());
        assertThat(alice.received.get(0)).isEqualTo(new ServerMessage.Ok("p-0", null));
        assertThat(sessions.get(alice.id()).threads).singleElement().asString().startsWith("haven-relay-");
    }

    @Test
    void anUrgentFrameTakesBothLanesAndReachesTheClientOnce() {
        Inbox alice = new Inbox();
        Connection remote = relayedAndAnswered(alice);
        assertThat(buses.urgent).as("a ping's answer is not urgent").isEmpty();

        remote.send(Outbound.urgent(new ServerMessage.CheckInRequested("group-1")));
        remote.send(Outbound.of(new ServerMessage.Ok("after", null)));

        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 3);
        assertThat(buses.urgent).singleElement().asString().contains("checkin.requested");
        assertThat(alice.received.subList(1, 3))
                .containsExactly(new ServerMessage.CheckInRequested("group-1"), new ServerMessage.Ok("after", null));
    }

    @Test
    void anUrgentFrameWhoseFastCopyIsLateStillComesBeforeWhatFollowsItAndOnce() {
        Inbox alice = new Inbox();
        Connection remote = relayedAndAnswered(alice);
        buses.holdUrgent = true; // the urgent lane is slower than the other, or down

        remote.send(Outbound.urgent(new ServerMessage.CheckInRequested("group-1")));
        remote.close(CloseCode.REVOKED, "revoked");

        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        buses.held.forEach(Runnable::run); // the fast copy arrives after all
        assertThat(alice.received).hasSize(2).last().isEqualTo(new ServerMessage.CheckInRequested("group-1"));
        assertThat(alice.closed()).isEqualTo(CloseCode.REVOKED);
    }

    /** {@code client}'s session opened on node n-b through the gateway, a ping answered; its connection there. */
    private Connection relayedAndAnswered(Inbox client) {
        Relay.Gatewayed g = gateway.open(client, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.Ping("p-0"));
        Awaitility.await().atMost(WAIT).until(() -> client.received.size() == 1);
        return sessions.get(client.id()).connection;
    }

    @Test
    void requestsSentBeforeTheHelloIsAnsweredWaitAndKeepTheirOrder() {
        hellosAnswered = new CompletableFuture<>();
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        for (int i = 0; i < 20; i++) {
            g.forward(new ClientMessage.Ping("p-" + i));
        }
        hellosAnswered.complete(null);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> sessions.containsKey(alice.id())
                        && sessions.get(alice.id()).ids.size() == 20);
        assertThat(sessions.get(alice.id()).ids)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20)
                        .mapToObj(i -> "p-" + i)
                        .toList());
    }

    @Test
    void sessionsOfDifferentConnectionsRunOnSeveralThreadsEachInOrder() {
        for (int c = 0; c < 32; c++) {
            Relay.Gatewayed g = gateway.open(new Inbox(), "n-b", CLIENT, hello());
            for (int i = 0; i < 10; i++) {
                g.forward(new ClientMessage.Ping("p-" + i));
            }
        }
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> sessions.size() == 32 && sessions.values().stream().allMatch(s -> s.ids.size() == 10));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (Recorded s : sessions.values()) {
            assertThat(s.threads).as("one session, one thread").hasSize(1);
            assertThat(s.ids).containsExactly("p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7", "p-8", "p-9");
            threads.addAll(s.threads);
        }
        assertThat(threads).as("sessions spread over the relay's threads").hasSizeGreaterThan(1);
    }

    @Test
    void aCloseFromTheSessionClosesTheClientWithItsCode() {
        Inbox alice = new Inbox();
        gateway.open(alice, "n-b", CLIENT, hello());
        Awaitility.await().atMost(WAIT).until(() -> sessions.containsKey(alice.id()));
        sessions.get(alice.id()).connection.close(CloseCode.REVOKED, "revoked");
        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        assertThat(alice.closed()).isEqualTo(CloseCode.REVOKED);
        Awaitility.await().atMost(WAIT).until(() -> sessions.get(alice.id()).closed);
    }

    @Test
    void aGatewayThatDiesEndsItsSessionsAsLeavesNotAsDrops() {
        Inbox alice = new Inbox();
        gateway.open(alice, "n-b", CLIENT, hello());
        Awaitility.await().atMost(WAIT).until(() -> sessions.containsKey(alice.id()));
        leases.holders.remove("node:n-a");
        serving.check();
        Awaitility.await().atMost(WAIT).until(() -> sessions.get(alice.id()).closed);
        assertThat(sessions.get(alice.id()).connection.endedAbruptly())
                .as("the dead node's lease ran out already: no further grace")
                .isFalse();
    }

    @Test
    void aGatewayWhoseLeaseOnlyLapsedIsToldToCloseTheClientsWhoseSessionsEnded() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        Awaitility.await().atMost(WAIT).until(() -> sessions.containsKey(alice.id()));
        leases.holders.remove("node:n-a"); // a pause: the gateway is alive, its lease ran out
        serving.check();
        Awaitility.await().atMost(WAIT).until(() -> sessions.get(alice.id()).closed);
        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        assertThat(alice.closed())
                .as("the client reconnects rather than talk to a session that is gone")
                .isEqualTo(CloseCode.GOING_AWAY);
        g.forward(new ClientMessage.Ping("p-late")); // nothing to answer it: harmless
    }

    @Test
    void aRequestForASessionTheOwnerDoesNotHaveClosesTheClient() {
        Consumer<String> owner = buses.receivers.get("n-b");
        buses.receivers.put(
                "n-b",
                text -> { // the owner restarted: it never saw this hello
                    if (!text.contains("\"k\":\"hello\"")) {
                        owner.accept(text);
                    }
                });
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        buses.receivers.put("n-b", owner);
        g.forward(new ClientMessage.Ping("p-1"));
        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        assertThat(alice.closed()).isEqualTo(CloseCode.GOING_AWAY);
        assertThat(alice.received)
                .as("no answer from a session that does not exist")
                .isEmpty();
    }

    @Test
    void aGatewayWhoseOrganisationMovedClosesItsClientsToReconnect() {
        Inbox alice = new Inbox();
        gateway.open(alice, "n-b", CLIENT, hello());
        leases.holders.put("org:demo", "n-b");
        gateway.check();
        assertThat(alice.closed()).as("n-b still serves demo").isNull();
        leases.holders.put("org:demo", "n-c");
        gateway.check();
        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        assertThat(alice.closed()).isEqualTo(CloseCode.GOING_AWAY);
    }

    @Test
    void aRaiseTheOwnerDoesNotAnswerInTimeIsAnsweredByTheGatewayAndTheLateAnswerDropped() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.Ping("p-0"));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
        Recorded session = sessions.get(alice.id());
        session.silentOnRaises = true;

        long sent = System.nanoTime();
        g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 2);
        assertThat(alice.received.get(1))
                .isEqualTo(new ServerMessage.Error(
                        "r-1", ErrorCode.ALERT_UNCONFIRMED, "the alert is not confirmed; call the crisis line now"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
                .as("not before the gateway's deadline")
                .isGreaterThanOrEqualTo(Relay.ANSWER_DEADLINE);

        session.connection.send(Outbound.of(new ServerMessage.Ok("r-1", null))); // the owner, too late
        g.forward(new ClientMessage.Ping("p-1"));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() >= 3);
        assertThat(alice.received.get(2))
                .as("one answer per request: the owner's late one is dropped, later frames pass")
                .isEqualTo(new ServerMessage.Ok("p-1", null));
    }

    @Test
    void aRaiseTheOwnerLeavesUnansweredIsStoodInForReachingTheCareTeamHereAndOnTheOtherNodes() {
        Relay third = relay("n-c", none);
        try {
            Inbox alice = new Inbox();
            Inbox bo = new Inbox(); // a clinician relayed from n-a too
            Inbox cy = new Inbox(); // and one relayed from n-c
            Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
            gateway.open(bo, "n-b", CLINICIAN, hello());
            third.open(cy, "n-b", CLINICIAN, hello());
            g.forward(new ClientMessage.Ping("p-0"));
            Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
            sessions.get(alice.id()).silentOnRaises = true;
            standIns.get("n-a").standsIn = true;

            long sent = System.nanoTime();
            g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
            Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 2);
            Duration answered = Duration.ofNanos(System.nanoTime() - sent);
            assertThat(alice.received.get(1))
                    .isEqualTo(new ServerMessage.Ok(
                            "r-1", new Result.AlertReceived("a-7", Alerts.State.RAISED, List.of(), List.of())));
            assertThat(answered).as("after the owner's chance").isGreaterThanOrEqualTo(Relay.STAND_IN_AFTER);
            assertThat(answered).as("and before the crisis-line answer").isLessThan(Relay.ANSWER_DEADLINE);
            assertThat(standIns.get("n-a").pressedOn).containsExactly(alice.id());
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                assertThat(bo.received)
                        .anyMatch(m -> m instanceof ServerMessage.AlertNotice n
                                && n.alert().id().equals("a-7"));
                assertThat(cy.received)
                        .anyMatch(m -> m instanceof ServerMessage.AlertNotice n
                                && n.alert().id().equals("a-7"));
            });
            assertThat(alice.received)
                    .as("the client is not a responder")
                    .noneMatch(m -> m instanceof ServerMessage.AlertNotice);
        } finally {
            third.close();
        }
    }

    @Test
    void theStandInIsGivenTheCheckInAndTheAlertTheOwnerConfirmedOnTheConnection() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.Ping("p-0"));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
        Recorded session = sessions.get(alice.id());
        Care.CheckIn checkIn = new Care.CheckIn(
                "ci-1",
                "alice",
                "group-1",
                new Care.Address("1 Main St", null, "Springfield", "IL", "62701", "US"),
                null,
                "+1 217 555 0100",
                true,
                Instant.parse("2030-01-01T00:00:00Z"));
        session.results = m -> m instanceof ClientMessage.CheckInSubmit
                ? new Result.CheckInRecorded(checkIn)
                : m instanceof ClientMessage.AlertRaise
                        ? new Result.AlertReceived("a-1", Alerts.State.RAISED, List.of(), List.of())
                        : null;
        g.forward(new ClientMessage.CheckInSubmit(
                "c-1", "group-1", checkIn.address(), null, checkIn.callbackPhone(), true));
        g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 3);

        session.silentOnRaises = true; // the owner dies
        g.forward(new ClientMessage.AlertRaise("r-2", "group-1", null, Alerts.Severity.IMMINENT));
        Awaitility.await().atMost(WAIT).until(() -> !standIns.get("n-a").seenOn.isEmpty());
        assertThat(standIns.get("n-a").seenOn).containsExactly(new StandIn.Seen(checkIn, "a-1"));
    }

    @Test
    void aCloseForAnOrganisationThatMovedWaitsForTheAnswerToAPendingPress() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.Ping("p-0"));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
        sessions.get(alice.id()).silentOnRaises = true; // the owner died
        standIns.get("n-a").standsIn = true;

        g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
        leases.holders.put("org:demo", "n-c"); // its lease ran out and another node took it
        gateway.check();
        Awaitility.await().atMost(WAIT).until(() -> alice.closed() != null);
        assertThat(alice.received)
                .as("the stand-in's answer went out before the close")
                .contains(new ServerMessage.Ok(
                        "r-1", new Result.AlertReceived("a-7", Alerts.State.RAISED, List.of(), List.of())));
        assertThat(alice.closed()).isEqualTo(CloseCode.GOING_AWAY);
    }

    @Test
    void aStandInThatTookTheOrganisationOverMeanwhileAdoptsTheAlertItStored() {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.Ping("p-0"));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
        sessions.get(alice.id()).silentOnRaises = true; // the owner died
        standIns.get("n-a").standsIn = true;
        // n-b's lease ran out and n-a took the organisation up (its take-up read the store already).
        leases.holders.remove("org:demo");
        assertThat(ownerships.get("n-a").ownerOf("demo").toCompletableFuture().join())
                .isEqualTo("n-a");

        g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
        Awaitility.await().atMost(WAIT).until(() -> !standIns.get("n-a").adopted.isEmpty());
        assertThat(standIns.get("n-a").adopted).containsExactly("demo/a-7");
    }

    @Test
    void anAlertStoodInForIsAdoptedByTheNodeServingTheOrganisation() {
        assertThat(ownerships.get("n-b").ownerOf("demo").toCompletableFuture().join())
                .isEqualTo("n-b");
        buses.of("n-a").broadcast(NodeCodec.encode(new NodeMessage.StoodIn("n-a", "demo", "a-7", "{}")));
        Awaitility.await().atMost(WAIT).until(() -> !standIns.get("n-b").adopted.isEmpty());
        assertThat(standIns.get("n-b").adopted).containsExactly("demo/a-7");
        assertThat(standIns.get("n-a").adopted).as("not by the stand-in itself").isEmpty();
    }

    @Test
    void aRaiseTheOwnerAnswersGetsOnlyThatAnswer() throws InterruptedException {
        Inbox alice = new Inbox();
        Relay.Gatewayed g = gateway.open(alice, "n-b", CLIENT, hello());
        g.forward(new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH));
        Awaitility.await().atMost(WAIT).until(() -> alice.received.size() == 1);
        Thread.sleep(Relay.ANSWER_DEADLINE.toMillis() + 300); // past the deadline: nothing more comes
        assertThat(alice.received).containsExactly(new ServerMessage.Ok("r-1", null));
    }

    @Test
    void aRevocationCountsTheSessionsEveryOtherNodeEnded() throws Exception {
        revokedHere.put("n-b", 2);
        revokedHere.put("n-a", 5); // the asking node's own sessions are counted by its caller, not here
        int elsewhere = gateway.revokeElsewhere(Revocation.ofUser(new UserRef("demo", "mallory"), Instant.now()))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(elsewhere).isEqualTo(2);
    }

    @Test
    void aDisconnectReachesEveryOtherNodeAndCountsWhatTheyClosed() throws Exception {
        disconnectedHere.put("n-b demo/alice", 2);
        disconnectedHere.put("n-a demo/alice", 5); // the asking node closes its own before it asks
        int elsewhere = gateway.disconnectElsewhere(new UserRef("demo", "alice"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(elsewhere).isEqualTo(2);
    }

    @Test
    void aNodeThatDoesNotAnswerLeavesTheCountToTheOthersAfterTheWait() throws Exception {
        buses.receivers.put("n-silent", text -> {}); // receives broadcasts, never answers
        revokedHere.put("n-b", 1);
        long asked = System.nanoTime();
        int elsewhere = gateway.revokeElsewhere(Revocation.ofToken("t-1", Instant.now()))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(elsewhere).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(RevocationCounts.COUNT_WAIT);
    }
}
