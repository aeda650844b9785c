package org.haven.server.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Request;
import org.jspecify.annotations.Nullable;

/**
 * The responders' requests about alerts, from the protocol to the lifecycle and back: who may act
 * on which alert (the care team, on an alert they may see), the step (decided by
 * {@link AlertLifecycle}), the answer, and the refusal (audited). Confirmations of receipt and the
 * list of alerts a responder may see are here too.
 *
 * <p>Threading: entry points from any thread; work on the alert thread.
 */
final class AlertRequests {

    private final AlertBook book;
    private final AlertDelivery delivery;
    private final AlertPublisher publisher;
    private final AlertMetrics metrics;
    private final AuditTrail audit;
    private final Clock clock;
    private final AlertThread thread;

    AlertRequests(
            AlertBook book,
            AlertDelivery delivery,
            AlertPublisher publisher,
            AlertMetrics metrics,
            AuditTrail audit,
            Clock clock,
            AlertThread thread) {
        this.book = book;
        this.delivery = delivery;
        this.publisher = publisher;
        this.metrics = metrics;
        this.audit = audit;
        this.clock = clock;
        this.thread = thread;
    }

    void confirm(Request<ClientMessage.AlertConfirm> r) {
        ClientMessage.AlertConfirm m = r.message();
        thread.run(() -> {
            DistressAlert a = book.get(m.alert());
            if (delivery.confirm(r.connection().id(), m.alert(), m.version()) && a != null && a.firstReceipt()) {
                metrics.delivered(Duration.between(a.raisedAt, clock.instant()));
            }
            r.reply().ok();
        });
    }

    void acknowledge(Request<ClientMessage.AlertAcknowledge> r) {
        String by = r.principal().user();
        request(
                r,
                r.message().alert(),
                a -> step(a, AlertLifecycle.acknowledge(a.status(), a.policy, by, clock.instant())));
    }

    void engage(Request<ClientMessage.AlertEngage> r) {
        request(
                r,
                r.message().alert(),
                a -> step(a, AlertLifecycle.engage(a.status(), r.principal().user())));
    }

    void action(Request<ClientMessage.AlertAction> r) {
        Principal p = r.principal();
        ClientMessage.AlertAction m = r.message();
        request(r, m.alert(), a -> {
            AlertLifecycle.Transition t = AlertLifecycle.action(a.status(), m.action(), p.user());
            boolean repeatable =
                    m.action() == Alerts.ActionType.NOTE || m.action() == Alerts.ActionType.GROUNDING_EXERCISE;
            String name = m.action().name().toLowerCase(Locale.ROOT);
            String key = m.key() != null ? m.key() : repeatable ? name + "-" + AlertIntake.randomId() : name;
            Alerts.Action existing = a.action(key);
            if (existing != null) {
                return new Result.ActionRecorded(a.id, key, false, existing.by());
            }
            Instant now = clock.instant();
            if (!a.addActionWithin(new Alerts.Action(m.action(), key, p.user(), now, m.note()))) {
                throw new Refusal(
                        ErrorCode.LIMIT_REACHED,
                        "the alert holds " + DistressAlert.MAX_ACTIONS + " actions, the most it keeps");
            }
            step(a, t);
            return new Result.ActionRecorded(a.id, key, true, p.user());
        });
    }

    void resolve(Request<ClientMessage.AlertResolve> r) {
        Principal p = r.principal();
        ClientMessage.AlertResolve m = r.message();
        request(r, m.alert(), a -> {
            Instant now = clock.instant();
            AlertLifecycle.Transition t = AlertLifecycle.resolve(a.status(), a.policy, p.user(), m.outcome(), now);
            if (m.note() != null) {
                a.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "note-resolve", p.user(), now, m.note()));
            }
            return step(a, t);
        });
    }

    void followUp(Request<ClientMessage.AlertFollowUp> r) {
        Principal p = r.principal();
        ClientMessage.AlertFollowUp m = r.message();
        request(r, m.alert(), a -> {
            AlertLifecycle.Transition t = AlertLifecycle.followUp(a.status(), p.user());
            a.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "follow-up", p.user(), clock.instant(), m.note()));
            return step(a, t);
        });
    }

    void list(Request<ClientMessage.AlertList> r) {
        Principal p = r.principal();
        thread.run(() -> {
            if (!p.role().isCareTeam()) {
                r.reply().refuse(ErrorCode.FORBIDDEN, "alerts are for the care team");
                return;
            }
            AlertDelivery.Responder as = responderView(p, r.connection());
            List<Alerts.View> visible = new ArrayList<>();
            for (DistressAlert a : book.view()) {
                if ((a.state().isOpen() || a.state() == State.RESOLVED || a.state() == State.FOLLOW_UP_DUE)
                        && AlertDelivery.canSee(as, a)) {
                    visible.add(a.view());
                    delivery.auditCareRead(as, a, "list");
                }
            }
            r.reply().ok(new Result.AlertList(visible));
        });
    }

    /** Applies a lifecycle step and publishes it; nothing to answer but ok. */
    private @Nullable Result step(DistressAlert a, AlertLifecycle.Transition t) {
        a.apply(t, clock.instant());
        publisher.changed(a, AlertReason.UPDATED, t.webhook());
        return null;
    }

    private interface Step {
        @Nullable
        Result apply(DistressAlert alert);
    }

    /** Runs a responder's request on the alert thread: authorization, the step, the reply. */
    private void request(Request<?> r, String alertId, Step step) {
        Principal p = r.principal();
        thread.run(() -> {
            try {
                if (!p.role().isCareTeam()) {
                    throw new Refusal(ErrorCode.FORBIDDEN, "alerts are handled by the care team");
                }
                DistressAlert a = book.get(alertId);
                if (a == null || !AlertDelivery.canSee(responderView(p, r.connection()), a)) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "no such alert visible to you");
                }
                r.reply().ok(step.apply(a));
            } catch (Refusal refusal) {
                audit.record(new AuditEvent(
                        p.org(),
                        p.user(),
                        "alert.request",
                        "alert:" + alertId,
                        "refused:" + refusal.code().wire(),
                        Map.of()));
                r.reply().refuse(refusal);
            }
        });
    }

    private AlertDelivery.Responder responderView(Principal p, Connection c) {
        AlertDelivery.Responder known = delivery.responder(c.id());
        return known != null
                ? known
                : new AlertDelivery.Responder(
                        new UserRef(p.org(), p.user()), p.role(), p.rooms(), c, PresenceStatus.AVAILABLE);
    }
}
