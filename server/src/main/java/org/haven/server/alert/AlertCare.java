package org.haven.server.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Care;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.care.CareService;
import org.haven.server.care.CareSnapshot;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's care record after an alert is raised: the parts missing at the raise (the store was
 * slow, or had lost them) are read again and added as they are found, and the client's risk, when
 * it arrives late, lifts a help press to its floor ({@link RiskFloor}) as a press that raises the
 * severity would. A severity that rises reaches the tiers it starts at at once.
 *
 * <p>Threading: the alert thread; store answers come back to it.
 */
final class AlertCare {

    private static final Logger log = LoggerFactory.getLogger(AlertCare.class);

    /** When the care record of an alert raised without all of it is read again, after the raise. */
    static final List<Duration> RETRIES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));

    /** How long each of those reads may take. */
    private static final Duration RETRY_WAIT = Duration.ofSeconds(2);

    private final CareService care;
    private final Escalator escalator;
    private final AlertPublisher publisher;
    private final AuditTrail audit;
    private final Clock clock;
    private final AlertThread thread;

    AlertCare(
            CareService care,
            Escalator escalator,
            AlertPublisher publisher,
            AuditTrail audit,
            Clock clock,
            AlertThread thread) {
        this.care = care;
        this.escalator = escalator;
        this.publisher = publisher;
        this.audit = audit;
        this.clock = clock;
        this.thread = thread;
    }

    /**
     * Reads the client's care record again for an alert raised without all of it, after each of
     * {@link #RETRIES}: what is found is added to the alert and pushed to its responders as an
     * update (history event {@code care_updated}).
     */
    void complete(DistressAlert alert) {
        complete(alert, 0);
    }

    private void complete(DistressAlert alert, int attempt) {
        if (attempt >= RETRIES.size()) {
            return;
        }
        thread.schedule(
                () -> {
                    if (!alert.state().isOpen()) {
                        return;
                    }
                    care.snapshot(alert.client, alert.room, RETRY_WAIT)
                            .whenComplete((found, failure) -> thread.run(() -> {
                                if (!alert.state().isOpen()) {
                                    return;
                                }
                                if (failure == null) {
                                    found(alert, found);
                                }
                                if (alert.care().lacksAny(alert.room != null)) {
                                    complete(alert, attempt + 1);
                                }
                            }));
                },
                RETRIES.get(attempt));
    }

    /** Reads the client's care record for {@code alert} now; what it lacked and is found is pushed as an update. */
    void readNow(DistressAlert alert) {
        care.snapshot(alert.client, alert.room, RETRY_WAIT)
                .whenComplete((found, failure) -> thread.run(() -> {
                    if (failure == null && alert.state().isOpen()) {
                        found(alert, found);
                    }
                }));
    }

    /**
     * What {@code found} adds to the alert's care record is added and pushed as an update; a risk
     * found now lifts a help press to its floor (pushed as {@code escalated} when that reaches more
     * tiers).
     */
    private void found(DistressAlert alert, CareSnapshot found) {
        if (!alert.careFound(found)) {
            return;
        }
        Instant now = clock.instant();
        alert.changed(now, "system", Alerts.HistoryEvent.CARE_UPDATED, null);
        boolean climbed = alert.source == Alerts.Source.HELP_BUTTON
                && liftToRiskFloor(alert, alert.care().risk(), now);
        publisher.changed(
                alert, climbed ? AlertReason.ESCALATED : AlertReason.UPDATED, climbed ? "alert.escalated" : null);
        log.info("care record found after the raise alert={}", alert.id);
    }

    /**
     * A client's press counts at least at the floor of their known {@code risk}: the alert's severity
     * rises to it (history {@code risk_floor}), reaching the tiers it starts at. Returns whether the
     * alert climbed to more tiers.
     */
    boolean liftToRiskFloor(DistressAlert alert, Care.@Nullable Risk risk, Instant now) {
        Severity before = alert.severity();
        if (risk == null || !alert.liftToRiskFloor(risk, now)) {
            return false;
        }
        return severityRose(alert, before, now);
    }

    /**
     * The alert's severity rose from {@code before} (another press, or the floor of the client's
     * risk): the tiers the new severity starts at are reached at once, and a climb is audited.
     * Returns whether it climbed.
     */
    boolean severityRose(DistressAlert alert, Severity before, Instant now) {
        boolean climbed = escalator.severityRaised(alert, before, now);
        if (climbed) {
            audit.record(new AuditEvent(
                    alert.org(),
                    AuditEvent.SYSTEM,
                    "alert.escalate",
                    "alert:" + alert.id,
                    "ok",
                    Map.of("tier", alert.tier().wire(), "why", "severity raised")));
        }
        return climbed;
    }
}
