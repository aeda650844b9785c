package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The heart of Haven over real WebSockets: a client in crisis, a clinician who knows at once and acts. */
class AlertLifecycleIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Care.SafetyPlan PLAN = new Care.SafetyPlan(
            List.of("racing thoughts"),
            List.of("box breathing", "cold water on my face"),
            List.of("walk the dog"),
            List.of("my sister Sam"),
            List.of("Dr Bo"),
            List.of("medication locked away"));
    static final Care.EmergencyContact SAM = new Care.EmergencyContact("Sam Rivera", "sister", "+1 217 555 0199", true);

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b, clock);

    @Test
    void wholeLifecycleReachesTheFacilitatorAndNobodyElse() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        haven.join(bo, "group-1");
        alice.call(id -> new ClientMessage.PlanSet(id, null, PLAN), Result.CareVersion.class)
                .get(5, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.ContactsSet(id, null, List.of(SAM)), Result.CareVersion.class)
                .get(5, TimeUnit.SECONDS);
        // The room's news of the others' joins reaches carol on her own event loop: a ping answered
        // there puts it all behind us before it is drained.
        carol.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
        carol.drainEvents();

        Result.AlertReceived received = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", Alerts.Kind.SEVERE_ANXIETY, null),
                        Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(received.state()).isEqualTo(Alerts.State.RAISED);
        assertThat(received.resources())
                .extracting(Care.CrisisResource::contact)
                .containsExactly("988", "988", "911");
        assertThat(received.coping()).containsExactly("box breathing", "cold water on my face");

        Alerts.View raised = notice(bo, AlertReason.RAISED, received.alert());
        assertThat(raised.severity()).isEqualTo(Alerts.Severity.HIGH);
        assertThat(raised.kind()).isEqualTo(Alerts.Kind.SEVERE_ANXIETY);
        assertThat(raised.room()).isEqualTo("group-1");
        assertThat(raised.clientName()).isEqualTo("Name of alice");
        assertThat(raised.checkIn().address().street()).isEqualTo("12 Elm Street");
        assertThat(raised.checkIn().callbackPhone()).isEqualTo("+1 217 555 0100");
        assertThat(raised.checkIn().privateSetting()).isTrue();
        assertThat(raised.emergencyContacts()).containsExactly(SAM);
        assertThat(raised.safetyPlan()).isEqualTo(PLAN);
        assertThat(raised.tier()).isEqualTo("facilitators");
        confirm(bo, raised);

        bo.request(id -> new ClientMessage.AlertAcknowledge(id, raised.id())).get(5, TimeUnit.SECONDS);
        Alerts.View acked = notice(bo, AlertReason.UPDATED, raised.id());
        assertThat(acked.state()).isEqualTo(Alerts.State.ACKNOWLEDGED);
        assertThat(acked.acknowledgedBy()).isEqualTo("dr-bo");
        bo.request(id -> new ClientMessage.AlertEngage(id, raised.id())).get(5, TimeUnit.SECONDS);
        Result.ActionRecorded action = bo.call(
                        id -> new ClientMessage.AlertAction(
                                id, raised.id(), Alerts.ActionType.CALLED_EMERGENCY_CONTACT, null, "Sam is on her way"),
                        Result.ActionRecorded.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(action.recorded()).isTrue();
        bo.request(id -> new ClientMessage.AlertResolve(id, raised.id(), Alerts.Outcome.STABILIZED, null))
                .get(5, TimeUnit.SECONDS);
        Alerts.View resolved = awaitState(bo, raised.id(), Alerts.State.RESOLVED);
        assertThat(resolved.followUpDueAt()).isAfter(resolved.updatedAt());
        Replies.assertError(
                bo.request(id -> new ClientMessage.AlertEngage(id, raised.id())), ErrorCode.ILLEGAL_TRANSITION);
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        awaitState(bo, raised.id(), Alerts.State.FOLLOW_UP_DUE);
        ServerMessage.FollowUpDue due = bo.awaitEvent(ServerMessage.FollowUpDue.class, e -> true, WAIT);
        assertThat(due.alert()).isEqualTo(raised.id());
        assertThat(due.client()).isEqualTo("alice");
        bo.request(id -> new ClientMessage.AlertFollowUp(id, raised.id(), "called the next morning"))
                .get(5, TimeUnit.SECONDS);
        Alerts.View closed = awaitState(bo, raised.id(), Alerts.State.CLOSED);
        assertThat(closed.history())
                .extracting(Alerts.HistoryEntry::event)
                .containsSubsequence(
                        "raised", "acknowledged", "engaged", "action", "resolved", "follow_up_due", "closed");

        // Discretion: across the whole scenario the other client received nothing about any of it.
        carol.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
        assertThat(carol.drainEvents()).isEmpty();

        List<String> audited = ((InMemoryAuditTrail) haven.server().audit())
                .records().stream().map(AuditRecord::action).toList();
        assertThat(audited)
                .contains(
                        "checkin.submit",
                        "care.plan.set",
                        "care.contacts.set",
                        "alert.raise",
                        "care.read",
                        "alert.acknowledged",
                        "alert.engaged",
                        "alert.action",
                        "alert.resolved",
                        "alert.closed");
    }

    @Test
    void escalatesTierByTierUntilSomeoneAcknowledges() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient onCall = haven.login("dr-night", Role.CLINICIAN, "demo");
        HavenClient sup = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        onCall.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        haven.checkIn(alice, "group-1");

        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        notice(bo, AlertReason.RAISED, alert);
        assertThat(onCall.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofMillis(500)))
                .isNull();

        clock.advance(Duration.ofSeconds(61)); // HIGH: 60 s to acknowledge
        Alerts.View second = notice(onCall, AlertReason.ESCALATED, alert);
        assertThat(second.tier()).isEqualTo("on_call");
        notice(bo, AlertReason.ESCALATED, alert);
        assertThat(sup.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.reason() != AlertReason.OPEN, Duration.ofMillis(300)))
                .isNull();

        clock.advance(Duration.ofSeconds(61));
        Alerts.View third = notice(sup, AlertReason.ESCALATED, alert);
        assertThat(third.tier()).isEqualTo("supervisors");

        sup.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(5, TimeUnit.SECONDS);
        Alerts.View taken = awaitState(onCall, alert, Alerts.State.ACKNOWLEDGED);
        assertThat(taken.acknowledgedBy()).isEqualTo("sup-kim");
        // A connection's events arrive in order: once bo has the acknowledgement, the escalation to
        // supervisors (sent to bo too, and possibly later than to sup on a slow machine) is behind us.
        awaitState(bo, alert, Alerts.State.ACKNOWLEDGED);
        clock.advance(Duration.ofSeconds(61)); // acknowledged: no further escalation
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.reason() == AlertReason.ESCALATED && n.alert().version() > taken.version(),
                        Duration.ofMillis(800)))
                .isNull();
    }

    @Test
    void imminentReachesEveryTierAtOnce() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient onCall = haven.login("dr-night", Role.CLINICIAN, "demo");
        HavenClient sup = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        onCall.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        String alert = raise(alice, "group-1", Alerts.Severity.IMMINENT);
        for (HavenClient responder : List.of(bo, onCall, sup)) {
            assertThat(notice(responder, AlertReason.RAISED, alert).tier()).isEqualTo("supervisors");
        }
    }

    @Test
    void anAcknowledgedAlertNotEngagedInTimeIsRaisedAgain() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.MODERATE);
        notice(bo, AlertReason.RAISED, alert);
        bo.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(5, TimeUnit.SECONDS);
        awaitState(bo, alert, Alerts.State.ACKNOWLEDGED);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        Alerts.View again = notice(bo, AlertReason.ESCALATED, alert);
        assertThat(again.state()).isEqualTo(Alerts.State.RAISED);
        assertThat(again.acknowledgedBy()).isNull();
        assertThat(again.history()).extracting(Alerts.HistoryEntry::event).contains("engagement_timeout");
    }

    @Test
    void withNobodyConnectedTheAlertIsUndeliveredThenReachesTheFirstToConnect() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> ((InMemoryAlertStore) haven.server().alertStore())
                        .get(alert)
                        .view()
                        .undelivered());

        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        Alerts.View open = notice(bo, AlertReason.OPEN, alert);
        assertThat(open.undelivered()).isFalse();
        assertThat(open.history()).extracting(Alerts.HistoryEntry::event).contains("undelivered", "delivered");
    }

    @Test
    void repeatedPressesJoinTheOpenAlert() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        String first = raise(alice, "group-1", Alerts.Severity.MODERATE);
        String second = raise(alice, "group-1", Alerts.Severity.HIGH);
        assertThat(second).isEqualTo(first);
        Alerts.View joined = bo.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().presses() == 2, WAIT)
                .alert();
        assertThat(joined.severity()).isEqualTo(Alerts.Severity.HIGH);
    }

    @Test
    void unconfirmedAlertsAreSentAgainAndConfirmedOnesAreNot() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        notice(bo, AlertReason.RAISED, alert);
        confirm(cy, notice(cy, AlertReason.RAISED, alert));
        clock.advance(Duration.ofSeconds(6));
        notice(bo, AlertReason.REDELIVERED, alert);
        assertThat(cy.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.reason() == AlertReason.REDELIVERED,
                        Duration.ofMillis(800)))
                .isNull();
    }

    @Test
    void aReconnectingClinicianReceivesTheOpenAlerts() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        notice(bo, AlertReason.RAISED, alert);
        bo.close();
        HavenClient boAgain = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        assertThat(notice(boAgain, AlertReason.OPEN, alert).state()).isEqualTo(Alerts.State.RAISED);
    }

    @Test
    void aClientWhoDisconnectsWithAnOpenAlertIsEscalatedAtOnce() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient sup = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        notice(bo, AlertReason.RAISED, alert);
        alice.abort();
        Alerts.View escalated = notice(bo, AlertReason.ESCALATED, alert);
        assertThat(escalated.history()).extracting(Alerts.HistoryEntry::event).contains("client_disconnected");
        assertThat(notice(sup, AlertReason.ESCALATED, alert).tier()).isEqualTo("supervisors");
    }

    @Test
    void onlyTheCareTeamOfTheRoomSeesOrTouchesAnAlert() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient stranger = haven.login("dr-x", Role.CLINICIAN, "demo", "group-9");
        HavenClient otherOrg = haven.login("dr-y", Role.CLINICIAN, "other-org", "group-1");
        haven.join(alice, "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        notice(bo, AlertReason.RAISED, alert);

        Replies.assertError(carol.request(id -> new ClientMessage.AlertAcknowledge(id, alert)), ErrorCode.FORBIDDEN);
        Replies.assertError(alice.request(id -> new ClientMessage.AlertList(id)), ErrorCode.FORBIDDEN);
        Replies.assertError(stranger.request(id -> new ClientMessage.AlertAcknowledge(id, alert)), ErrorCode.NOT_FOUND);
        Replies.assertError(otherOrg.request(id -> new ClientMessage.AlertAcknowledge(id, alert)), ErrorCode.NOT_FOUND);
        assertThat(stranger.call(id -> new ClientMessage.AlertList(id), Result.AlertList.class)
                        .get(5, TimeUnit.SECONDS)
                        .alerts())
                .isEmpty();
        assertThat(otherOrg.call(id -> new ClientMessage.AlertList(id), Result.AlertList.class)
                        .get(5, TimeUnit.SECONDS)
                        .alerts())
                .isEmpty();
        assertThat(stranger.drainEvents()).noneMatch(e -> e instanceof ServerMessage.AlertNotice);
        assertThat(otherOrg.drainEvents()).noneMatch(e -> e instanceof ServerMessage.AlertNotice);

        // Care records: the facilitator reads; a clinician without the grant, another org, or a client does not.
        Result.CareRecord record = bo.call(
                        id -> new ClientMessage.CareRecordGet(id, "alice", "group-1"), Result.CareRecord.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(record.checkIn().address().city()).isEqualTo("Springfield");
        Replies.assertError(
                stranger.request(id -> new ClientMessage.CareRecordGet(id, "alice", "group-1")), ErrorCode.NOT_FOUND);
        Replies.assertError(
                otherOrg.request(id -> new ClientMessage.CareRecordGet(id, "alice", "group-1")), ErrorCode.NOT_FOUND);
        Replies.assertError(
                carol.request(id -> new ClientMessage.CareRecordGet(id, "alice", "group-1")), ErrorCode.NOT_FOUND);
        Replies.assertError(carol.request(id -> new ClientMessage.PlanSet(id, "alice", PLAN)), ErrorCode.FORBIDDEN);
        Replies.assertError(stranger.request(id -> new ClientMessage.PlanSet(id, "alice", PLAN)), ErrorCode.FORBIDDEN);
        assertThat(bo.call(id -> new ClientMessage.PlanSet(id, "alice", PLAN), Result.CareVersion.class)
                        .get(5, TimeUnit.SECONDS)
                        .version())
                .isEqualTo(1);
    }

    @Test
    void aRefreshedTokenWithoutTheRoomNoLongerReceivesItsAlerts() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1", "group-2");
        String narrower = haven.token("dr-bo", Role.CLINICIAN, "demo", Duration.ofHours(2), "group-2");
        bo.request(id -> new ClientMessage.TokenRefresh(id, narrower)).get(5, TimeUnit.SECONDS);
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofMillis(800)))
                .isNull();
        Replies.assertError(bo.request(id -> new ClientMessage.AlertAcknowledge(id, alert)), ErrorCode.NOT_FOUND);
    }

    @Test
    void aDispatchIsRecordedOnceHoweverManyClinicianPressIt() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        String alert = raise(alice, "group-1", Alerts.Severity.IMMINENT);
        notice(bo, AlertReason.RAISED, alert);
        bo.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.AlertEngage(id, alert)).get(5, TimeUnit.SECONDS);
        var first = bo.call(
                id -> new ClientMessage.AlertAction(
                        id, alert, Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES, null, null),
                Result.ActionRecorded.class);
        var second = cy.call(
                id -> new ClientMessage.AlertAction(
                        id, alert, Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES, null, null),
                Result.ActionRecorded.class);
        // Both press at once: exactly one is recorded, the other is told who did it.
        Result.ActionRecorded a = first.get(5, TimeUnit.SECONDS);
        Result.ActionRecorded b = second.get(5, TimeUnit.SECONDS);
        assertThat(List.of(a.recorded(), b.recorded())).containsExactlyInAnyOrder(true, false);
        Result.ActionRecorded winner = a.recorded() ? a : b;
        Result.ActionRecorded duplicate = a.recorded() ? b : a;
        assertThat(duplicate.by()).isEqualTo(winner.by()).isIn("dr-bo", "dr-cy");
        assertThat(duplicate.key()).isEqualTo(winner.key());
        Alerts.View view = awaitState(cy, alert, Alerts.State.EMERGENCY_DISPATCHED);
        assertThat(view.actions())
                .filteredOn(x -> x.type() == Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES)
                .hasSize(1);
        Replies.assertError(cy.request(id -> new ClientMessage.AlertEngage(id, alert)), ErrorCode.ILLEGAL_TRANSITION);
    }

    @Test
    void aClinicianCanFlagObservedDistress() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        haven.join(alice, "group-1");
        Result.AlertReceived flagged = bo.call(
                        id -> new ClientMessage.AlertFlag(
                                id,
                                "alice",
                                "group-1",
                                Alerts.Kind.DEPRESSIVE_EPISODE,
                                Alerts.Severity.MODERATE,
                                "withdrawn, not speaking"),
                        Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(flagged.resources()).isEmpty();
        Alerts.View view = notice(cy, AlertReason.RAISED, flagged.alert());
        assertThat(view.source()).isEqualTo(Alerts.Source.CLINICIAN_FLAG);
        assertThat(view.actions()).extracting(Alerts.Action::note).containsExactly("withdrawn, not speaking");
    }

    @Test
    void joiningWithoutACheckInIsRefusedAndTheCareTeamIsTold() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        Replies.assertError(
                alice.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.CHECK_IN_REQUIRED);
        Alerts.View missing =
                bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, WAIT).alert();
        assertThat(missing.source()).isEqualTo(Alerts.Source.CHECK_IN_MISSING);
        assertThat(missing.severity()).isEqualTo(Alerts.Severity.LOW);
        haven.join(alice, "group-1"); // checks in, then joins
        assertThat(awaitState(bo, missing.id(), Alerts.State.CLOSED).history())
                .extracting(Alerts.HistoryEntry::event)
                .contains("auto_closed");
        clock.advance(Duration.ofHours(5)); // past the check-in's validity: a new session needs a new one
        alice.request(id -> new ClientMessage.RoomLeave(id, "group-1")).get(5, TimeUnit.SECONDS);
        Replies.assertError(
                alice.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.CHECK_IN_REQUIRED);
    }

    @Test
    void aClinicianWhoStopsReadingIsPassedBy() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient sup = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        bo.stopReading(); // a frozen laptop: alerts go out to it, nothing comes back
        String alert = raise(alice, "group-1", Alerts.Severity.HIGH);
        clock.advance(Duration.ofSeconds(61));
        assertThat(notice(sup, AlertReason.ESCALATED, alert).tier()).isEqualTo("supervisors");
    }

    @Test
    void aDeclinedCheckInTellsTheCareTeam() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        alice.request(id -> new ClientMessage.CheckInDecline(id, "group-1")).get(5, TimeUnit.SECONDS);
        Alerts.View declined =
                bo.awaitEvent(ServerMessage.AlertNotice.class, n -> true, WAIT).alert();
        assertThat(declined.source()).isEqualTo(Alerts.Source.CHECK_IN_DECLINED);
        assertThat(declined.severity()).isEqualTo(Alerts.Severity.LOW);
        assertThat(declined.clientName()).isEqualTo("Name of alice");
        Replies.assertError(
                alice.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.CHECK_IN_REQUIRED);
    }

    // ---- helpers

    static String raise(HavenClient client, String room, Alerts.Severity severity) throws Exception {
        return client.call(id -> new ClientMessage.AlertRaise(id, room, null, severity), Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS)
                .alert();
    }

    static Alerts.View notice(HavenClient responder, AlertReason reason, String alert) throws InterruptedException {
        ServerMessage.AlertNotice n = responder.awaitEvent(
                ServerMessage.AlertNotice.class,
                e -> e.reason() == reason && e.alert().id().equals(alert),
                WAIT);
        assertThat(n).as("%s notice of %s", reason, alert).isNotNull();
        return n.alert();
    }

    static Alerts.View awaitState(HavenClient responder, String alert, Alerts.State state) throws InterruptedException {
        ServerMessage.AlertNotice n = responder.awaitEvent(
                ServerMessage.AlertNotice.class,
                e -> e.alert().id().equals(alert) && e.alert().state() == state,
                WAIT);
        assertThat(n).as("alert %s in state %s", alert, state).isNotNull();
        return n.alert();
    }

    static void confirm(HavenClient responder, Alerts.View view) throws Exception {
        responder
                .request(id -> new ClientMessage.AlertConfirm(id, view.id(), view.version()))
                .get(5, TimeUnit.SECONDS);
    }
}
