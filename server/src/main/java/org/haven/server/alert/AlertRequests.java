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
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;

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

    AlertRequests(AlertBook book, AlertDelivery delivery, AlertPublisher publisher, AlertMetrics metrics,
            AuditTrail audit, Clock clock, AlertThread thread) {
        this.book = book;
        this.delivery = delivery;
        this.publisher = publisher;
        this.metrics = metrics;
        this.audit = audit;
        this.clock = clock;
        this.thread = thread;
    }

    void confirm(Connection connection, ClientMessage.AlertConfirm m) {
        thread.run(() -> {
            DistressAlert a = book.get(m.alert());
            if (delivery.confirm(connection.id(), m.alert(), m.version()) && a != null && a.firstReceipt()) {
                metrics.delivered(Duration.between(a.raisedAt, clock.instant()));
            }
            reply(connection, new ServerMessage.Ok(m.id(), null));
        });
    }

    void acknowledge(Principal p, Connection c, ClientMessage.AlertAcknowledge m) {
        request(p, c, m.id(), m.alert(), a -> step(a, AlertLifecycle.acknowledge(a.status(), a.policy, p.user(),
                clock.instant())));
    }

    void engage(Principal p, Connection c, ClientMessage.AlertEngage m) {
        request(p, c, m.id(), m.alert(), a -> step(a, AlertLifecycle.engage(a.status(), p.user())));
    }

    void action(Principal p, Connection c, ClientMessage.AlertAction m) {
        request(p, c, m.id(), m.alert(), a -> {
            AlertLifecycle.Transition t = AlertLifecycle.action(a.status(), m.action(), p.user());
            boolean repeatable = m.action() == Alerts.ActionType.NOTE || m.action() == Alerts.ActionType.GROUNDING_EXERCISE;
            String name = m.action().name().toLowerCase(Locale.ROOT);
            String key = m.key() != null ? m.key() : repeatable ? name + "-" + AlertIntake.randomId() : name;
            Alerts.Action existing = a.action(key);
            if (existing != null) {
                return new Result.ActionRecorded(a.id, key, false, existing.by());
            }
            Instant now = clock.instant();
            a.addAction(new Alerts.Action(m.action(), key, p.user(), now, m.note()));
            step(a, t);
            return new Result.ActionRecorded(a.id, key, true, p.user());
        });
    }

    void resolve(Principal p, Connection c, ClientMessage.AlertResolve m) {
        request(p, c, m.id(), m.alert(), a -> {
            Instant now = clock.instant();
            AlertLifecycle.Transition t = AlertLifecycle.resolve(a.status(), a.policy, p.user(), m.outcome(), now);
            if (m.note() != null) {
                a.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "note-resolve", p.user(), now, m.note()));
            }
            return step(a, t);
        });
    }

    void followUp(Principal p, Connection c, ClientMessage.AlertFollowUp m) {
        request(p, c, m.id(), m.alert(), a -> {
            AlertLifecycle.Transition t = AlertLifecycle.followUp(a.status(), p.user());
            a.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "follow-up", p.user(), clock.instant(), m.note()));
            return step(a, t);
        });
    }

    void list(Principal p, Connection c, ClientMessage.AlertList m) {
        thread.run(() -> {
            if (!p.role().isCareTeam()) {
                reply(c, new Refusal(ErrorCode.FORBIDDEN, "alerts are for the care team").toError(m.id()));
                return;
            }
            AlertDelivery.Responder as = responderView(p, c);
            List<Alerts.View> visible = new ArrayList<>();
            for (DistressAlert a : book.view()) {
                if ((a.state().isOpen() || a.state() == State.RESOLVED || a.state() == State.FOLLOW_UP_DUE)
                        && AlertDelivery.canSee(as, a)) {
                    visible.add(a.view());
                    delivery.auditCareRead(as, a, "list");
                }
            }
            reply(c, new ServerMessage.Ok(m.id(), new Result.AlertList(visible)));
        });
    }

    /** Applies a lifecycle step and publishes it; nothing to answer but ok. */
    private Result step(DistressAlert a, AlertLifecycle.Transition t) {
        a.apply(t, clock.instant());
        publisher.changed(a, AlertReason.UPDATED, t.webhook());
        return null;
    }

    private interface Step {
        Result apply(DistressAlert alert);
    }

    /** Runs a responder's request on the alert thread: authorization, the step, the reply. */
    private void request(Principal p, Connection c, String re, String alertId, Step step) {
        thread.run(() -> {
            try {
                if (!p.role().isCareTeam()) {
                    throw new Refusal(ErrorCode.FORBIDDEN, "alerts are handled by the care team");
                }
                DistressAlert a = book.get(alertId);
                if (a == null || !AlertDelivery.canSee(responderView(p, c), a)) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "no such alert visible to you");
                }
                reply(c, new ServerMessage.Ok(re, step.apply(a)));
            } catch (Refusal r) {
                audit.record(new AuditEvent(p.user(), "alert.request", "alert:" + alertId,
                        "refused:" + r.code().wire(), Map.of()));
                reply(c, r.toError(re));
            }
        });
    }

    private AlertDelivery.Responder responderView(Principal p, Connection c) {
        AlertDelivery.Responder known = delivery.responder(c.id());
        return known != null ? known
                : new AlertDelivery.Responder(new UserRef(p.org(), p.user()), p.role(), p.rooms(), c,
                        PresenceStatus.AVAILABLE);
    }

    private static void reply(Connection c, ServerMessage message) {
        c.send(Outbound.of(message));
    }
}
