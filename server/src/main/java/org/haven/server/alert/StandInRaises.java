package org.haven.server.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.Source;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.CareService;
import org.haven.server.care.CareSnapshot;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-in's side of {@link StandIn#raise}: an alert made from the press and the care record in
 * the store, stored only if the serving node has not stored the same press, never kept in this
 * node's alerts (the node does not serve the organisation; the one that does, or next will, adopts
 * it from the store).
 *
 * <p>Threading: any thread; it touches no alert state of this node, only the stores.
 */
final class StandInRaises {

    private static final Logger log = LoggerFactory.getLogger(StandInRaises.class);

    private final AlertStore store;
    private final CareService care;
    private final AuditTrail audit;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final EscalationPolicy policy;
    private final PressLanes lanes;

    StandInRaises(
            AlertStore store,
            CareService care,
            AuditTrail audit,
            AlertMetrics metrics,
            Clock clock,
            EscalationPolicy policy,
            PressLanes lanes) {
        this.store = store;
        this.care = care;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = policy;
        this.lanes = lanes;
    }

    CompletionStage<StandIn.Raised> raise(
            Principal caller, ClientMessage.AlertRaise m, String connection, StandIn.Seen seen) {
        if (caller.role() != Role.CLIENT || (m.room() != null && !caller.isGranted(m.room()))) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a raise this client may make"));
        }
        UserRef client = new UserRef(caller.org(), caller.user());
        // After the client's press before it on this node is stored, so it finds (and joins) that alert.
        return lanes.enter(client, () -> raise(caller, client, m, connection, seen), StandIn.Raised::stored);
    }

    private CompletionStage<StandIn.Raised> raise(
            Principal caller, UserRef client, ClientMessage.AlertRaise m, String connection, StandIn.Seen seen) {
        String id = AlertIntake.idOfPress(connection, m.id());
        Severity pressed = m.severity() != null ? m.severity() : Severity.HIGH;
        Alerts.Kind kind = m.kind() != null ? m.kind() : Alerts.Kind.OTHER;
        CompletionStage<CareSnapshot> snapshot = care.snapshot(client, m.room(), AlertPublisher.STORE_WAIT)
                .exceptionally(e -> CareSnapshot.NONE)
                .thenApply(found -> withCheckInSeen(found, seen.checkIn(), m.room()));
        // The alert a press joins: the one this connection's presses made (one read by id) while it is
        // open, else the client's open alert from the per-client index (a press sent again on a new
        // connection after its answer was lost, or made after that alert was resolved): never a scan
        // of the organisation's open alerts (hundreds, after a busy day).
        String lastAlert = seen.alert();
        CompletionStage<Optional<StoredAlert>> last = (lastAlert == null
                        ? openAlertOf(client)
                        : store.find(client.org(), lastAlert)
                                .thenCompose(found ->
                                        found.filter(s -> joins(client, s)).isPresent()
                                                ? CompletableFuture.completedFuture(found)
                                                : openAlertOf(client)))
                .toCompletableFuture()
                .completeOnTimeout(Optional.empty(), AlertPublisher.STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> Optional.empty());
        return snapshot.thenCombine(last, (known, found) -> {
            StoredAlert existing = found.filter(s -> joins(client, s)).orElse(null);
            if (existing != null) {
                // The press joins the client's open alert; the node that adopts it counts it from the audit.
                DistressAlert a = DistressAlert.restore(existing);
                audit.record(new AuditEvent(
                        client.org(),
                        client.user(),
                        "alert.pressed_again",
                        "alert:" + a.id,
                        "ok",
                        Map.of("via", "stand-in")));
                return new StandIn.Raised(
                        answer(a, known),
                        Outbound.urgent(new ServerMessage.AlertNotice(AlertReason.UPDATED, a.view())),
                        CompletableFuture.completedFuture(true));
            }
            Instant now = clock.instant();
            // At least the floor of the client's known risk, as the serving node would raise it.
            Care.Risk risk = known.risk();
            Severity severity = RiskFloor.apply(pressed, risk);
            DistressAlert a = new DistressAlert(
                    id, client, caller.name(), m.room(), Source.HELP_BUTTON, kind, severity, policy, known, now);
            a.raisedBy(client.user(), now);
            if (risk != null && severity != pressed) {
                a.raisedForRisk(pressed, risk.level(), now);
            }
            a.reachTier(Escalator.startTier(policy, severity, m.room(), Source.HELP_BUTTON));
            CompletionStage<Boolean> stored = store.saveNew(a.stored()).thenApply(isNew -> {
                if (isNew) {
                    metrics.raised(severity);
                    audit.record(new AuditEvent(
                            client.org(),
                            client.user(),
                            "alert.raise",
                            "alert:" + a.id,
                            "ok",
                            Map.of(
                                    "client", client.toString(),
                                    "severity", severity.name(),
                                    "source", Source.HELP_BUTTON.name(),
                                    "via", "stand-in")));
                    log.warn(
                            "alert raised by a stand-in for a silent node alert={} org={} severity={}",
                            a.id,
                            client.org(),
                            severity);
                }
                return isNew;
            });
            return new StandIn.Raised(
                    answer(a, known),
                    Outbound.urgent(new ServerMessage.AlertNotice(AlertReason.RAISED, a.view())),
                    stored);
        });
    }

    /** The open alert of {@code client} that a help press joins, from the per-client index. */
    private CompletionStage<Optional<StoredAlert>> openAlertOf(UserRef client) {
        return store.unclosedOf(client.org(), client.user())
                .thenApply(open -> open.stream().filter(s -> joins(client, s)).findFirst());
    }

    private Result.AlertReceived answer(DistressAlert a, CareSnapshot known) {
        return new Result.AlertReceived(
                a.id, a.state(), care.crisisResources(a.org(), known.checkIn()), known.copingSteps());
    }

    /** Whether a help press of {@code client} joins {@code s}, as {@link AlertBook#openAlertOf} decides. */
    private static boolean joins(UserRef client, StoredAlert s) {
        Alerts.View v = s.view();
        return s.org().equals(client.org())
                && v.client().equals(client.user())
                && v.state().isOpen()
                && (v.source() == Source.HELP_BUTTON || v.source() == Source.CLINICIAN_FLAG);
    }

    /**
     * The care record with the check-in this node saw confirmed on the connection, when the store
     * has none for the room or an older one: the node holding the client's connection keeps the
     * check-in of the session, whatever the store lost or could not read in time.
     */
    private static CareSnapshot withCheckInSeen(
            CareSnapshot found, Care.@Nullable CheckIn seen, @Nullable String room) {
        if (seen == null || room == null || !seen.room().equals(room)) {
            return found;
        }
        Care.CheckIn stored = found.checkIn();
        if (stored != null && !stored.at().isBefore(seen.at())) {
            return found;
        }
        return found.withCheckIn(seen);
    }
}
