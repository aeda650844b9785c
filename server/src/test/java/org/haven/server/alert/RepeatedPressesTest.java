package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client who keeps pressing the help button (in distress, or a script at the request rate): every
 * press is counted and reaches the responders, but the alert's history, sent whole with every change
 * and saved whole each time, grows by at most one {@code pressed_again} line a minute per presser,
 * and always by one when a press raises the severity.
 */
class RepeatedPressesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
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

    private ServerMessage.AlertNotice last(Inbox inbox) {
        List<ServerMessage.AlertNotice> all = inbox.all(ServerMessage.AlertNotice.class);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static long lines(Alerts.View view, String event) {
        return view.history().stream().filter(h -> h.event().equals(event)).count();
    }

    @Test
    void pressesAreAllCountedAndSentButAddALineAMinuteAtMostUnlessTheSeverityRises() {
        Inbox bo = InProcessAlerts.connect(alerts, "dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        String id = InProcessAlerts.raise(handlers, Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        long firstVersion = last(bo).alert().version();

        // 50 presses, one a second: all within a minute of the first line.
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(InProcessAlerts.raise(handlers, Alerts.Severity.HIGH)).isEqualTo(id);
        }
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().presses() == 51);
        Alerts.View seen = last(bo).alert();
        assertThat(seen.version())
                .as("each press is a change responders are sent")
                .isEqualTo(firstVersion + 50);
        assertThat(seen.updatedAt()).isEqualTo(clock.instant());
        assertThat(lines(seen, "pressed_again"))
                .as("one line for the first minute's presses")
                .isEqualTo(1);
        assertThat(seen.history()).hasSizeLessThan(5);

        // A press that raises the severity always has its line, whenever it comes.
        clock.advance(Duration.ofSeconds(1)); // 51 s after the line
        InProcessAlerts.raise(handlers, Alerts.Severity.IMMINENT);
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().presses() == 52);
        assertThat(lines(last(bo).alert(), "pressed_again")).isEqualTo(2);
        assertThat(last(bo).alert().history().stream()
                        .filter(h -> h.event().equals("pressed_again"))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .detail())
                .isEqualTo("imminent");

        // A minute after the presser's last line, the next press has one again.
        clock.advance(DistressAlert.PRESS_LINE_INTERVAL.plusSeconds(1));
        InProcessAlerts.raise(handlers, Alerts.Severity.HIGH);
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().presses() == 53);
        assertThat(lines(last(bo).alert(), "pressed_again")).isEqualTo(3);
        assertThat(store.get(id).view().presses()).as("stored as counted").isEqualTo(53);
    }
}
