package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.haven.server.alert.AlertLifecycleIT.confirm;
import static org.haven.server.alert.AlertLifecycleIT.notice;
import static org.haven.server.alert.AlertLifecycleIT.raise;

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

/**
 * Risk from intake and screening over real WebSockets (every frame the server sends checked against
 * the schema by the test server): the care team records a client's C-SSRS risk, the client cannot,
 * and the client's moderate press becomes a high alert that the responders see with the risk and
 * that escalates on high's time-out; a low-risk client's press is raised as pressed.
 */
class KnownRiskIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b, clock);

    @Test
    void theCareTeamSetsARiskAndAModeratePressOfAHighRiskClientIsAHighAlert() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient stranger = haven.login("dr-eve", Role.CLINICIAN, "demo", "group-2");
        HavenClient onCall = haven.login("dr-night", Role.CLINICIAN, "demo");
        onCall.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        haven.join(bo, "group-1");
        Instant screened = clock.instant().minus(Duration.ofDays(3));

        // Who may set it: the clinician of the client's room; not the client, not even for herself.
        Replies.assertError(
                alice.request(id -> new ClientMessage.RiskSet(id, "alice", Care.RiskLevel.LOW, null, null)),
                ErrorCode.FORBIDDEN);
        Replies.assertError(
                carol.request(id -> new ClientMessage.RiskSet(id, "alice", Care.RiskLevel.LOW, null, null)),
                ErrorCode.FORBIDDEN);
        Replies.assertError(
                stranger.request(id -> new ClientMessage.RiskSet(id, "alice", Care.RiskLevel.LOW, null, null)),
                ErrorCode.FORBIDDEN);
        Result.CareVersion set = bo.call(
                        id -> new ClientMessage.RiskSet(
                                id, "alice", Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, screened),
                        Result.CareVersion.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(set).isEqualTo(new Result.CareVersion("alice", 1));
        assertThat(bo.call(
                                id -> new ClientMessage.RiskSet(
                                        id, "carol", Care.RiskLevel.LOW, Care.RiskSource.CLINICAL_JUDGEMENT, null),
                                Result.CareVersion.class)
                        .get(5, TimeUnit.SECONDS)
                        .version())
                .isEqualTo(1);
        Result.CareRecord record = bo.call(
                        id -> new ClientMessage.CareRecordGet(id, "alice", "group-1"), Result.CareRecord.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(record.risk().value())
                .isEqualTo(new Care.Risk(Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, screened));
        assertThat(record.risk().updatedBy()).isEqualTo("dr-bo");

        // Alice presses MODERATE: the alert is HIGH, with her risk and what she pressed.
        String alert = raise(alice, "group-1", Alerts.Severity.MODERATE);
        Alerts.View raised = notice(bo, AlertReason.RAISED, alert);
        assertThat(raised.severity()).isEqualTo(Alerts.Severity.HIGH);
        assertThat(raised.risk()).isEqualTo(record.risk().value());
        assertThat(raised.history())
                .extracting(Alerts.HistoryEntry::event, Alerts.HistoryEntry::detail)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("raised", "help_button"),
                        org.assertj.core.groups.Tuple.tuple("risk_floor", "moderate -> high (risk high)"));
        confirm(bo, raised);
        assertThat(onCall.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofMillis(500)))
                .as("HIGH in a session starts with the facilitators")
                .isNull();
        clock.advance(Duration.ofSeconds(61)); // HIGH: 60 s to acknowledge, where MODERATE had 3 minutes
        Alerts.View escalated = notice(onCall, AlertReason.ESCALATED, alert);
        assertThat(escalated.tier()).isEqualTo("on_call");
        assertThat(escalated.risk().level()).isEqualTo(Care.RiskLevel.HIGH);

        // Carol, at low risk, presses MODERATE: raised as pressed, her risk shown.
        String carols = raise(carol, "group-1", Alerts.Severity.MODERATE);
        Alerts.View asPressed = notice(bo, AlertReason.RAISED, carols);
        assertThat(asPressed.severity()).isEqualTo(Alerts.Severity.MODERATE);
        assertThat(asPressed.risk().level()).isEqualTo(Care.RiskLevel.LOW);
        assertThat(asPressed.history()).extracting(Alerts.HistoryEntry::event).doesNotContain("risk_floor");

        List<AuditRecord> audited = ((InMemoryAuditTrail) haven.server().audit()).records();
        assertThat(audited)
                .filteredOn(r -> r.action().equals("care.risk.set"))
                .extracting(AuditRecord::outcome)
                .containsExactlyInAnyOrder("refused:forbidden", "refused:forbidden", "refused:forbidden", "ok", "ok");
        assertThat(audited)
                .filteredOn(r -> r.action().equals("care.risk.set"))
                .allSatisfy(r -> assertThat(r.details().toString()).doesNotContainIgnoringCase("high"));
        // The client hears nothing of her risk: her answer is the crisis resources and coping steps.
        assertThat(alice.drainEvents()).noneMatch(e -> e instanceof ServerMessage.AlertNotice);
    }

    @Test
    void aRiskAssessedLaterThanNowIsRefused() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient kim = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        haven.join(alice, "group-1");
        Replies.assertError(
                kim.request(id -> new ClientMessage.RiskSet(
                        id,
                        "alice",
                        Care.RiskLevel.MODERATE,
                        Care.RiskSource.EHR,
                        clock.instant().plus(WAIT.multipliedBy(100)))),
                ErrorCode.INVALID_MESSAGE);
        assertThat(kim.call(
                                id -> new ClientMessage.RiskSet(id, "alice", Care.RiskLevel.MODERATE, null, null),
                                Result.CareVersion.class)
                        .get(5, TimeUnit.SECONDS)
                        .version())
                .as("a supervisor sets the risk of any client of the organisation")
                .isEqualTo(1);
    }
}
