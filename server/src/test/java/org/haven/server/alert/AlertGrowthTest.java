package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.care.CareSnapshot;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An alert flagged, joined or noted without end (an integrator raising in a loop without a
 * {@code dedupKey}, a flapping connection, a clinician's script) stays bounded: the history keeps
 * the first {@link DistressAlert#MAX_REPEATED_LINES} lines of repeated events and every lifecycle
 * line, and the alert keeps {@link DistressAlert#MAX_ACTIONS} actions others add, past which
 * {@code alert.action} is refused {@code limit_reached}. Before, each flag added a line and a note of
 * up to 2,000 characters, and every change sent the whole alert to every responder and saved it.
 */
class AlertGrowthTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    private static DistressAlert alert() {
        DistressAlert a = new DistressAlert(
                "a-1",
                new UserRef("demo", "alice"),
                "Alice",
                "group-1",
                Alerts.Source.HELP_BUTTON,
                Alerts.Kind.OTHER,
                Alerts.Severity.HIGH,
                EscalationPolicy.defaults(),
                CareSnapshot.NONE,
                T0);
        a.raisedBy("alice", T0);
        return a;
    }

    private static long lines(DistressAlert a, Alerts.HistoryEvent event) {
        return a.view().history().stream()
                .filter(h -> h.event().equals(event.wire()))
                .count();
    }

    @Test
    void repeatedEventsKeepTheirFirstLinesAndStillChangeTheAlertLifecycleLinesAlwaysStay() {
        DistressAlert a = alert();
        long version = a.view().version();
        int flags = DistressAlert.MAX_REPEATED_LINES + 100;
        for (int i = 0; i < flags; i++) {
            a.pressedAgain(Alerts.Severity.HIGH, "service:screening", Alerts.HistoryEvent.FLAGGED, T0.plusSeconds(i));
        }
        assertThat(lines(a, Alerts.HistoryEvent.FLAGGED)).isEqualTo(DistressAlert.MAX_REPEATED_LINES);
        assertThat(a.view().presses()).as("every flag counted").isEqualTo(flags + 1);
        assertThat(a.view().version())
                .as("every flag a change responders are sent")
                .isEqualTo(version + flags);

        a.changed(T0.plusSeconds(flags), "system", Alerts.HistoryEvent.DELIVERED, null); // repeated: no line
        assertThat(lines(a, Alerts.HistoryEvent.DELIVERED)).isZero();
        assertThat(a.lastEntry().event()).as("what the audit record names").isEqualTo("delivered");
        a.pressedAgain(
                Alerts.Severity.IMMINENT, "service:screening", Alerts.HistoryEvent.FLAGGED, T0.plusSeconds(flags));
        assertThat(lines(a, Alerts.HistoryEvent.FLAGGED))
                .as("a rise has its line")
                .isEqualTo(DistressAlert.MAX_REPEATED_LINES + 1);
        assertThat(a.lastEntry().detail()).isEqualTo("imminent");
        a.apply(
                AlertLifecycle.acknowledge(a.status(), a.policy, "dr-bo", T0.plusSeconds(flags)),
                T0.plusSeconds(flags));
        assertThat(lines(a, Alerts.HistoryEvent.ACKNOWLEDGED))
                .as("a lifecycle line")
                .isEqualTo(1);

        // Taken up by another node, the alert still counts the lines it holds.
        DistressAlert restored = DistressAlert.restore(a.stored());
        restored.pressedAgain(
                Alerts.Severity.HIGH, "service:screening", Alerts.HistoryEvent.FLAGGED, T0.plusSeconds(flags + 1));
        assertThat(lines(restored, Alerts.HistoryEvent.FLAGGED)).isEqualTo(DistressAlert.MAX_REPEATED_LINES + 1);
        assertThat(restored.view().history()).hasSize(a.view().history().size());
    }

    @Test
    void actionsOthersAddStopAtTheBoundOnesOfTheAlertsCourseDoNot() {
        DistressAlert a = alert();
        for (int i = 0; i < DistressAlert.MAX_ACTIONS; i++) {
            assertThat(a.addActionWithin(note("note-" + i))).isTrue();
        }
        assertThat(a.addActionWithin(note("note-more"))).as("past the bound").isFalse();
        assertThat(a.addActionWithin(note("note-7")))
                .as("a key it holds is replaced")
                .isTrue();
        assertThat(a.addActionWithin(new Alerts.Action(
                        Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES,
                        "dispatched_emergency_services",
                        "dr-bo",
                        T0,
                        null)))
                .as("a step under its kind's own name")
                .isTrue();
        assertThat(a.addActionWithin(new Alerts.Action(
                        Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES, "dispatch-2", "dr-bo", T0, null)))
                .as("the same kind under another key")
                .isFalse();
        a.addAction(note("note-resolve"));
        assertThat(a.view().actions()).hasSize(DistressAlert.MAX_ACTIONS + 2);
        assertThat(a.action("note-resolve")).isNotNull();
    }

    private static Alerts.Action note(String key) {
        return new Alerts.Action(Alerts.ActionType.NOTE, key, "dr-bo", T0, "x".repeat(2_000));
    }

    // ---- through the protocol ------------------------------------------------------------------

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final InMemoryAlertStore store = new InMemoryAlertStore();
    private final AlertService alerts =
            InProcessAlerts.over(store, new InMemoryCareStore(), audit, webhooks, clock, threads);
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
    void aNoteActionPastTheBoundIsRefusedLimitReachedAndNothingIsRecorded() {
        InProcessAlerts.connect(alerts, "dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        String id = InProcessAlerts.raise(handlers, Alerts.Severity.HIGH);
        Inbox bo = new Inbox();
        for (int i = 0; i <= DistressAlert.MAX_ACTIONS; i++) {
            InProcessAlerts.send(
                    handlers,
                    new ClientMessage.AlertAction("n-" + i, id, Alerts.ActionType.NOTE, null, "called, no answer"),
                    InProcessAlerts.principal("dr-bo", Role.CLINICIAN, "group-1"),
                    bo);
        }
        Awaitility.await().atMost(WAIT).until(() -> bo.received.size() == DistressAlert.MAX_ACTIONS + 1);
        List<ServerMessage.Error> refused = bo.all(ServerMessage.Error.class);
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED);
            assertThat(e.re()).isEqualTo("n-" + DistressAlert.MAX_ACTIONS);
        });
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(store.get(id).view().actions()).hasSize(DistressAlert.MAX_ACTIONS));
    }
}
