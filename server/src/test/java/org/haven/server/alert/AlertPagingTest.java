package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.connection.Connection;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the escalation tells the paging: where an alert stands each time it reaches tiers (raised,
 * climbed, nobody connected, waiting for responders expected back), who of its organisation is
 * connected and who only away, and that paging stops once someone acknowledges.
 */
class AlertPagingTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final List<AlertPaging.Reach> reached = new CopyOnWriteArrayList<>();
    private final List<String> stopped = new CopyOnWriteArrayList<>();
    private final AlertService alerts = InProcessAlerts.over(
            new InMemoryAlertStore(),
            new InMemoryCareStore(),
            audit,
            webhooks,
            new AlertPaging() {
                @Override
                public void reached(Reach reach) {
                    reached.add(reach);
                }

                @Override
                public void stop(String alertId) {
                    stopped.add(alertId);
                }
            },
            clock,
            threads);
    private final Handlers handlers = new Handlers();

    {
        alerts.register(handlers);
    }

    @AfterEach
    void stop() {
        alerts.close();
        webhooks.close();
        audit.close();
        threads.close();
    }

    @Test
    void eachClimbIsReportedWithTheTiersReachedAndWhoIsConnected() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        connect("dr-ada", Role.CLINICIAN, PresenceStatus.AWAY, "group-1");
        String id = raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> !reached.isEmpty());
        AlertPaging.Reach first = reached.get(0);
        assertThat(first.alert()).isEqualTo(id);
        assertThat(first.org()).isEqualTo("demo");
        assertThat(first.room()).isEqualTo("group-1");
        assertThat(first.severity()).isEqualTo(Alerts.Severity.HIGH);
        assertThat(first.tiers()).containsExactly(EscalationPolicy.Tier.FACILITATORS);
        assertThat(first.step()).isZero();
        assertThat(first.undelivered()).isFalse();
        assertThat(first.connected()).containsExactlyInAnyOrder("dr-bo", "dr-ada");
        assertThat(first.away()).containsExactly("dr-ada");

        after(Duration.ofSeconds(60)); // the HIGH time-out: nobody on call, so on to the supervisors
        AlertPaging.Reach climbed = reached.get(reached.size() - 1);
        assertThat(climbed.tiers())
                .containsExactly(
                        EscalationPolicy.Tier.FACILITATORS,
                        EscalationPolicy.Tier.ON_CALL,
                        EscalationPolicy.Tier.SUPERVISORS);
        assertThat(climbed.step())
                .as("one escalation (past the empty on-call tier)")
                .isEqualTo(1);
        assertThat(stopped).isEmpty();

        send(new ClientMessage.AlertAcknowledge("q-1", id), principal("dr-bo", Role.CLINICIAN, "group-1"), bo);
        Awaitility.await().atMost(WAIT).until(() -> stopped.contains(id));
        int before = reached.size();
        after(Duration.ofMinutes(4));
        assertThat(reached).as("an acknowledged alert is not paged again").hasSize(before);

        after(Duration.ofMinutes(1)); // acknowledged, not engaged within 5 minutes: raised again
        Awaitility.await().atMost(WAIT).until(() -> reached.size() > before);
    }

    @Test
    void withNobodyConnectedEveryTierIsReachedAndTheAlertIsUndelivered() {
        raise(Alerts.Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> !reached.isEmpty());
        AlertPaging.Reach reach = reached.get(reached.size() - 1);
        assertThat(reach.undelivered()).isTrue();
        assertThat(reach.tiers()).hasSize(3);
        assertThat(reach.connected()).isEmpty();
    }

    @Test
    void aResponderWhoJustDisconnectedIsPagedWhileTheAlertWaitsForThemAtTheirTier() {
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        alerts.responderDisconnected(bo); // a blip, or the console closed: nobody can tell yet
        raise(Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> !reached.isEmpty());
        AlertPaging.Reach waiting = reached.get(0);
        assertThat(waiting.tiers())
                .as("the alert waits at the facilitators for dr-bo")
                .containsExactly(EscalationPolicy.Tier.FACILITATORS);
        assertThat(waiting.connected()).isEmpty();
        assertThat(waiting.undelivered()).isFalse();

        after(Escalator.RECONNECT_GRACE.plusSeconds(1));
        AlertPaging.Reach after = reached.get(reached.size() - 1);
        assertThat(after.tiers()).as("nobody came back: every tier").hasSize(3);
        assertThat(after.undelivered()).isTrue();
    }

    private void after(Duration d) {
        clock.advance(d);
        alerts.tickNow().join();
    }

    private void send(ClientMessage message, Principal principal, Connection connection) {
        InProcessAlerts.send(handlers, message, principal, connection);
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
}
