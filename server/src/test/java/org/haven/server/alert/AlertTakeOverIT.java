package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guarantee 2 at the store: the node that took an alert stops before anyone acknowledged it; a node
 * started on the same engines takes the alert up, with its location, and its escalation goes on.
 */
class AlertTakeOverIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b, clock);

    @Test
    void anotherNodeTakesUpAnOpenAlertAndEscalatesIt() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.checkIn(alice, "group-1");
        String alert = AlertLifecycleIT.raise(alice, "group-1", Alerts.Severity.HIGH);
        AlertLifecycleIT.notice(bo, AlertReason.RAISED, alert);

        haven.restart(); // the node is gone before anyone acknowledged

        HavenClient sup = haven.login("sup-kim", Role.SUPERVISOR, "demo");
        HavenClient night = haven.login("dr-night", Role.CLINICIAN, "demo");
        night.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        HavenClient bo2 = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        Alerts.View takenUp = AlertLifecycleIT.notice(bo2, AlertReason.OPEN, alert);
        assertThat(takenUp.state()).isEqualTo(Alerts.State.RAISED);
        assertThat(takenUp.checkIn().address()).isEqualTo(TestServer.ADDRESS);
        assertThat(takenUp.clientName()).isEqualTo("Name of alice");

        // Nobody acknowledges on the new node either: escalation climbs to the last tier.
        // (One tier a tick: advance, let the new node's tick see it, and again, up to three times.
        // Whether the old node escalated once more as its clients were disconnected is a race.)
        ServerMessage.AlertNotice top = null;
        for (int i = 0; i < 3 && top == null; i++) {
            clock.advance(Duration.ofSeconds(61));
            top = sup.awaitEvent(
                    ServerMessage.AlertNotice.class,
                    n -> n.alert().id().equals(alert) && n.alert().tier().equals("supervisors"),
                    Duration.ofSeconds(2));
        }
        assertThat(top).as("the supervisors' tier reached on the new node").isNotNull();
        assertThat(top.alert().history()).extracting(Alerts.HistoryEntry::event).contains("raised", "escalated");

        // And it can be handled there.
        bo2.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(5, TimeUnit.SECONDS);
        AlertLifecycleIT.awaitState(sup, alert, Alerts.State.ACKNOWLEDGED);
    }
}
