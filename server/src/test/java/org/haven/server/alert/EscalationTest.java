package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.connection.Connection;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.TestServer;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Escalation in process, with no sockets and no sleeping: the clock is stepped and the alert
 * thread ticked by hand. An unacknowledged alert climbs tier by tier when its severity's time-out
 * passes and not a moment before, skips a tier nobody of is connected, is marked undelivered with
 * nobody at all and delivered to the first responder of a reached tier who connects, and an
 * acknowledgement not followed by engagement raises it again.
 */
class EscalationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final InMemoryCareStore careStore = new InMemoryCareStore();
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final InMemoryAlertStore store = new InMemoryAlertStore();
    private final AlertService alerts = InProcessAlerts.over(store, careStore, audit, webhooks, clock, threads);

    private final Handlers handlers = new Handlers();

    {
        alerts.register(handlers);
    }

    /** A request from {@code user} through {@code connection}, handled as a node handles it. */
    private void send(ClientMessage message, Principal principal, Connection connection) {
        InProcessAlerts.send(handlers, message, principal, connection);
    }

    @AfterEach
    void stop() {
        alerts.close();
        webhooks.close();
        audit.close();
        threads.close();
    }

    private static List<ServerMessage.AlertNotice> notices(Inbox inbox) {
        return inbox.all(ServerMessage.AlertNotice.class);
    }

    private static ServerMessage.AlertNotice last(Inbox inbox) {
        List<ServerMessage.AlertNotice> all = notices(inbox);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static Principal principal(String user, Role role, String... rooms) {
        return InProcessAlerts.principal(user, role, rooms);
    }

    private Inbox connect(String user, Role role, PresenceStatus status, String... rooms) {
        return InProcessAlerts.connect(alerts, user, role, status, rooms);
    }

    private String raise(Alerts.Severity severity) {
        return InProcessAlerts.raise(handlers, severity);
    }

    @Test
    void anAlertAStandInStoredIsAdoptedOnceReachesItsTierAndAPressOfTheSameRequestJoinsIt() throws Exception {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox alice = new Inbox();
        ClientMessage.AlertRaise press = new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH);
        // Another node stood in for this one (it was silent): the alert is in the store, not here.
        StandIn.Raised raised = alerts.raise(
                        principal("alice", Role.CLIENT, "group-1"), press, alice.id(), StandIn.Seen.NOTHING)
                .toCompletableFuture()
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(raised.stored().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        String id = raised.answer().alert();
        assertThat(store.get(id)).isNotNull();
        assertThat(notices(bo))
                .as("the stand-in keeps nothing in this node's book")
                .isEmpty();

        alerts.adopt("demo", id);
        alerts.adopt("demo", id); // the broadcast and the take-over may both ask: once
        Awaitility.await().atMost(WAIT).until(() -> !notices(bo).isEmpty());
        assertThat(notices(bo)).hasSize(1);
        assertThat(last(bo).alert().id()).isEqualTo(id);
        assertThat(last(bo).alert().tier()).isEqualTo("facilitators");

        // The owner's own copy of the press, arriving late, joins the adopted alert: no second alert.
        send(press, principal("alice", Role.CLIENT, "group-1"), alice);
        Awaitility.await().atMost(WAIT).until(() -> !alice.received.isEmpty());
        assertThat(((Result.AlertReceived) ((ServerMessage.Ok) alice.received.get(0)).result()).alert())
                .isEqualTo(id);
        assertThat(store.unclosed("demo").toCompletableFuture().get()).hasSize(1);

        after(EscalationPolicy.defaults().ackTimeout(Alerts.Severity.HIGH).plusSeconds(1));
        assertThat(notices(bo).stream().anyMatch(n -> n.reason() == ServerMessage.AlertReason.ESCALATED))
                .as("escalated by the node that adopted it")
                .isTrue();
    }

    @Test
    void aPressOnANewConnectionJoinsTheClientsOpenAlertInTheStoreThatThisNodeDoesNotHoldYet() throws Exception {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        // A stand-in stored the client's press (its answer was lost with the connection), and this
        // node has not adopted the alert yet.
        ClientMessage.AlertRaise first = new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH);
        String id = alerts.raise(principal("alice", Role.CLIENT, "group-1"), first, "c-old", StandIn.Seen.NOTHING)
                .toCompletableFuture()
                .get(5, java.util.concurrent.TimeUnit.SECONDS)
                .answer()
                .alert();

        // The client presses again on a new connection: another connection, another request id.
        Inbox again = new Inbox();
        send(
                new ClientMessage.AlertRaise("r-7", "group-1", null, Alerts.Severity.HIGH),
                principal("alice", Role.CLIENT, "group-1"),
                again);
        Awaitility.await().atMost(WAIT).until(() -> !again.received.isEmpty());

        assertThat(((Result.AlertReceived) ((ServerMessage.Ok) again.received.get(0)).result()).alert())
                .as("the press joined the stored alert")
                .isEqualTo(id);
        assertThat(store.unclosed("demo").toCompletableFuture().get()).hasSize(1);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().id()).isEqualTo(id);
        assertThat(last(bo).alert().presses()).isEqualTo(2);
    }

    @Test
    void aStandInForAPressOnANewConnectionJoinsTheClientsOpenAlert() throws Exception {
        // The serving node stored the client's alert; its answer was lost with the connection, and
        // the press sent again on a new connection is stood in for by another node.
        String id = raise(Alerts.Severity.HIGH);

        StandIn.Raised again = alerts.raise(
                        principal("alice", Role.CLIENT, "group-1"),
                        new ClientMessage.AlertRaise("r-9", "group-1", null, Alerts.Severity.HIGH),
                        "c-new",
                        StandIn.Seen.NOTHING)
                .toCompletableFuture()
                .get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(again.answer().alert()).as("joined, not a second alert").isEqualTo(id);
        assertThat(store.unclosed("demo").toCompletableFuture().get()).hasSize(1);
    }

    @Test
    void aStandInWhoseConnectionsLastAlertIsResolvedJoinsTheClientsOpenAlertMadeOnAnotherConnection() throws Exception {
        // The old connection's last press made an alert that a clinician has since resolved; the
        // client pressed again on a new connection, and this node holds that alert now. The press
        // relayed on the old connection, stood in for, joins it: a resolved alert is not the end.
        Principal bo = principal("dr-bo", Role.CLINICIAN, "group-1");
        connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        String earlier = raise(Alerts.Severity.HIGH);
        assertThat(answer(new ClientMessage.AlertAcknowledge("q-1", earlier), bo))
                .isNull();
        assertThat(answer(new ClientMessage.AlertEngage("q-2", earlier), bo)).isNull();
        assertThat(answer(new ClientMessage.AlertResolve("q-3", earlier, Alerts.Outcome.STABILIZED, "calm"), bo))
                .isNull();
        Inbox fresh = new Inbox();
        send(
                new ClientMessage.AlertRaise("r-2", "group-1", null, Alerts.Severity.HIGH),
                principal("alice", Role.CLIENT, "group-1"),
                fresh);
        Awaitility.await().atMost(WAIT).until(() -> !fresh.received.isEmpty());
        String open = ((Result.AlertReceived) ((ServerMessage.Ok) fresh.received.get(0)).result()).alert();
        assertThat(open).isNotEqualTo(earlier);

        StandIn.Raised stoodIn = alerts.raise(
                        principal("alice", Role.CLIENT, "group-1"),
                        new ClientMessage.AlertRaise("r-3", "group-1", null, Alerts.Severity.HIGH),
                        "c-old",
                        new StandIn.Seen(null, earlier))
                .toCompletableFuture()
                .get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(stoodIn.answer().alert()).as("joined, not a second alert").isEqualTo(open);
        assertThat(store.unclosed("demo").toCompletableFuture().get().stream()
                        .filter(a -> a.view().state().isOpen()))
                .hasSize(1);
    }

    /** The error code of the answer to {@code message} from {@code user}, or null for an {@code ok}. */
    private ErrorCode answer(ClientMessage message, Principal user) {
        Inbox inbox = new Inbox();
        send(message, user, inbox);
        Awaitility.await().atMost(WAIT).until(() -> !inbox.received.isEmpty());
        return inbox.received.get(0) instanceof ServerMessage.Error e ? e.code() : null;
    }

    @Test
    void aClosedAlertLeavesTheNodesAlertsOnceItsRespondersHadTimeToConfirm() {
        Principal bo = principal("dr-bo", Role.CLINICIAN, "group-1");
        connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        String id = raise(Alerts.Severity.HIGH);
        assertThat(answer(new ClientMessage.AlertAcknowledge("q-1", id), bo)).isNull();
        assertThat(answer(new ClientMessage.AlertEngage("q-2", id), bo)).isNull();
        assertThat(answer(new ClientMessage.AlertResolve("q-3", id, Alerts.Outcome.STABILIZED, "calm"), bo))
                .isNull();
        assertThat(answer(new ClientMessage.AlertFollowUp("q-4", id, "called back"), bo))
                .isNull();
        after(AlertService.CLOSED_KEPT.minusSeconds(1));
        assertThat(answer(new ClientMessage.AlertFollowUp("q-5", id, "again"), bo))
                .as("still held: a closed alert takes no more follow-ups")
                .isNotNull()
                .isNotEqualTo(ErrorCode.NOT_FOUND);
        after(Duration.ofSeconds(2));
        assertThat(answer(new ClientMessage.AlertFollowUp("q-6", id, "again"), bo))
                .as("gone from this node's memory; it is in the store")
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(store.get(id).view().state()).isEqualTo(Alerts.State.CLOSED);
    }

    /** Steps the clock and ticks; the tick is done when this returns. */
    private void after(Duration d) {
        clock.advance(d);
        alerts.tickNow().join();
    }

    @Test
    void anUnacknowledgedAlertClimbsTierByTierWhenItsTimeOutPassesAndNotBefore() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().tier()).isEqualTo("facilitators");
        assertThat(notices(onCall)).as("on call is not told yet").isEmpty();

        after(Duration.ofSeconds(59));
        assertThat(notices(onCall))
                .as("59 s: the HIGH time-out (60 s) has not passed")
                .isEmpty();
        after(Duration.ofSeconds(1));
        assertThat(last(onCall).reason()).isEqualTo(ServerMessage.AlertReason.ESCALATED);
        assertThat(last(onCall).alert().tier()).isEqualTo("on_call");
        assertThat(last(bo).reason())
                .as("those already told see it climb")
                .isEqualTo(ServerMessage.AlertReason.ESCALATED);
        assertThat(notices(kim)).isEmpty();

        after(Duration.ofSeconds(60));
        assertThat(last(kim).alert().tier()).isEqualTo("supervisors");
        assertThat(last(kim).alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .containsSubsequence("raised", "escalated", "escalated");
    }

    @Test
    void aTierNobodyOfIsConnectedIsSkipped() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        raise(Alerts.Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        after(Duration.ofMinutes(3));
        assertThat(last(kim).alert().tier())
                .as("nobody is on call: straight to the supervisors")
                .isEqualTo("supervisors");
    }

    @Test
    void withNobodyConnectedTheAlertIsUndeliveredUntilAResponderOfAReachedTierConnects() {
        raise(Alerts.Severity.HIGH);
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        ServerMessage.AlertNotice seen = last(bo);
        assertThat(seen.reason()).isEqualTo(ServerMessage.AlertReason.OPEN);
        assertThat(seen.alert().undelivered())
                .as("delivered to the facilitator who connected")
                .isFalse();
        assertThat(seen.alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .containsSubsequence("raised", "undelivered", "delivered");
    }

    @Test
    void anAcknowledgementNotFollowedByEngagementRaisesTheAlertAgain() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        String id = raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        send(new ClientMessage.AlertAcknowledge("a-1", id), principal("dr-bo", Role.CLINICIAN, "group-1"), bo);
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().state() == Alerts.State.ACKNOWLEDGED);

        after(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(last(bo).alert().state()).isEqualTo(Alerts.State.ACKNOWLEDGED);
        after(Duration.ofSeconds(1));
        ServerMessage.AlertNotice again = last(kim);
        assertThat(again.alert().state()).isEqualTo(Alerts.State.RAISED);
        assertThat(again.alert().acknowledgedBy()).isNull();
        assertThat(again.alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .containsSubsequence("acknowledged", "engagement_timeout", "escalated");
    }

    @Test
    void aPressThatMakesTheAlertImminentReachesEveryTierAtOnce() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        String id = raise(Alerts.Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(notices(onCall)).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        assertThat(raise(Alerts.Severity.IMMINENT))
                .as("the press joins the open alert")
                .isEqualTo(id);
        Awaitility.await().atMost(WAIT).until(() -> last(kim) != null && last(onCall) != null);
        assertThat(last(kim).reason()).isEqualTo(ServerMessage.AlertReason.ESCALATED);
        assertThat(last(kim).alert().tier()).isEqualTo("supervisors");
        assertThat(last(kim).alert().severity()).isEqualTo(Alerts.Severity.IMMINENT);
        assertThat(last(onCall).alert().tier()).isEqualTo("supervisors");
        assertThat(last(bo).reason())
                .as("the facilitator sees it climb")
                .isEqualTo(ServerMessage.AlertReason.ESCALATED);
        assertThat(last(kim).alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .containsSubsequence("raised", "pressed_again", "escalated");
    }

    @Test
    void aPressThatRaisesTheSeverityShortensTheAcknowledgementDeadline() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        raise(Alerts.Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().severity() == Alerts.Severity.HIGH);
        assertThat(last(bo).alert().tier())
                .as("HIGH in a session starts with the facilitators too")
                .isEqualTo("facilitators");

        after(Duration.ofSeconds(59));
        assertThat(notices(onCall)).isEmpty();
        after(Duration.ofSeconds(1));
        assertThat(last(onCall))
                .as("HIGH's 60 s, not MODERATE's 3 minutes, from the press")
                .isNotNull();
        assertThat(last(onCall).alert().tier()).isEqualTo("on_call");
    }

    @Test
    void aClinicianWhoGoesOnCallAfterConnectingIsToldOfTheAlertsTheOnCallTierHasReached() {
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        String id = raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(kim) != null);
        assertThat(last(kim).alert().tier())
                .as("nobody of the first two tiers was connected")
                .isEqualTo("supervisors");

        // As after a reconnect: connected first, on call a moment later.
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.AVAILABLE);
        alerts.statusChanged(new UserRef("demo", "dr-on"), PresenceStatus.ON_CALL);
        Awaitility.await().atMost(WAIT).until(() -> last(onCall) != null);
        assertThat(last(onCall).alert().id()).isEqualTo(id);
        assertThat(last(onCall).reason()).isEqualTo(ServerMessage.AlertReason.OPEN);

        after(Duration.ofSeconds(60));
        assertThat(last(onCall).reason())
                .as("a target from then on: told again as the alert goes on")
                .isEqualTo(ServerMessage.AlertReason.ESCALATED);
    }

    @Test
    void aCheckInTheStoreDidNotHaveAtTheRaiseIsAddedToTheAlertOnceFound() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().checkIn())
                .as("the store had no check-in at the raise")
                .isNull();

        careStore
                .recordCheckIn(
                        new UserRef("demo", "alice"),
                        new Care.CheckIn(
                                "ci-1",
                                "alice",
                                "group-1",
                                TestServer.ADDRESS,
                                null,
                                "+1 217 555 0100",
                                true,
                                clock.instant()))
                .toCompletableFuture()
                .join();
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().checkIn() != null);
        ServerMessage.AlertNotice update = last(bo);
        assertThat(update.reason()).isEqualTo(ServerMessage.AlertReason.UPDATED);
        assertThat(update.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(update.alert().history())
                .extracting(Alerts.HistoryEntry::event)
                .contains("care_updated");
    }

    @Test
    void afterATakeOverAnAlertWaitsAtItsTierForItsRespondersToReconnect() {
        after(Duration.ofSeconds(20)); // this node has been serving for a while
        // Another node served the organisation until now: the journal held its room.
        alerts.takeUpStoredAlerts("demo", CompletableFuture.completedFuture(1));
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        String id = raise(Alerts.Severity.HIGH);

        clock.advance(Duration.ofSeconds(5));
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1"); // back after the failover
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().id()).isEqualTo(id);
        assertThat(last(bo).alert().tier())
                .as("not passed to the supervisors while the facilitators reconnect")
                .isEqualTo("facilitators");
        assertThat(last(bo).alert().undelivered()).isFalse();
        assertThat(notices(kim)).isEmpty();
    }

    @Test
    void whenNobodyOfTheTierIsBackAfterTheGraceTheAlertGoesOn() {
        after(Duration.ofSeconds(20));
        alerts.takeUpStoredAlerts("demo", CompletableFuture.completedFuture(1));
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        raise(Alerts.Severity.HIGH);
        after(Duration.ofSeconds(14));
        assertThat(notices(kim)).as("within the grace").isEmpty();

        after(Duration.ofSeconds(2));
        Awaitility.await().atMost(WAIT).until(() -> last(kim) != null);
        assertThat(last(kim).alert().tier()).isEqualTo("supervisors");
        assertThat(last(kim).reason()).isEqualTo(ServerMessage.AlertReason.ESCALATED);
    }

    @Test
    void aResponderWhoJustDisconnectedStillHoldsTheirTierForTheGrace() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        alerts.responderDisconnected(bo); // a network blip
        raise(Alerts.Severity.HIGH);
        Inbox boAgain = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Awaitility.await().atMost(WAIT).until(() -> last(boAgain) != null);
        assertThat(last(boAgain).alert().tier()).isEqualTo("facilitators");
        assertThat(notices(kim)).isEmpty();
    }

    @Test
    void theFirstClaimOfAnOrganisationNobodyServedGetsNoGrace() {
        after(Duration.ofSeconds(20));
        alerts.takeUpStoredAlerts("demo", CompletableFuture.completedFuture(0)); // no rooms, no open alerts
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(kim) != null);
        assertThat(last(kim).alert().tier())
                .as("nobody is reconnecting: the empty tiers are passed at once")
                .isEqualTo("supervisors");
    }
}
