package org.haven.server.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.Source;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.CareService;
import org.haven.server.care.CareSnapshot;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.room.SessionAlerts;
import org.haven.server.webhook.WebhookEvent;
import org.haven.server.webhook.WebhookNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distress alerts: raised by a client's discreet help button, a clinician's flag, or automatically;
 * delivered at least once to every targeted responder connection; escalated tier by tier until
 * someone acknowledges; carried through acknowledgement, engagement, resolution and follow-up.
 *
 * <p>All alert state lives on one thread (the alert executor): transitions are serialised, and a
 * periodic tick drives escalation, re-delivery and follow-ups from the injected clock. A raiser is
 * told "received" only once the alert is stored. Nothing about an alert is ever sent to a room.
 */
public final class AlertService implements SessionAlerts, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    private static final long TICK_MILLIS = 200;

    private final AlertStore store;
    private final CareService care;
    private final AuditTrail audit;
    private final WebhookNotifier webhooks;
    private final Clock clock;
    private final EscalationPolicy policy;
    private final boolean alertOnCheckIn;
    private final ScheduledExecutorService executor;
    private final AlertDelivery delivery;
    private final AlertMetrics metrics;
    /** Alerts the store did not take yet (it was unreachable): kept here, stored again on the tick. */
    private final java.util.Set<String> unstored = new java.util.LinkedHashSet<>();
    private boolean retrying;
    private final Map<String, DistressAlert> alerts = new LinkedHashMap<>();
    private final Map<UserRef, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    public AlertService(AlertStore store, CareService care, AuditTrail audit, WebhookNotifier webhooks, Clock clock,
            EscalationPolicy policy, boolean alertOnCheckIn, io.micrometer.core.instrument.MeterRegistry meters) {
        this.store = store;
        this.care = care;
        this.audit = audit;
        this.webhooks = webhooks;
        this.clock = clock;
        this.policy = policy;
        this.alertOnCheckIn = alertOnCheckIn;
        this.delivery = new AlertDelivery(audit);
        this.metrics = new AlertMetrics(meters);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "haven-alerts");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> run(this::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes up the open alerts of organisation {@code org} the store holds (this node now serves
     * it: a restart, or the node that served it died): their escalation goes on from the tier and
     * deadlines stored, and responders get them on connect.
     */
    public void takeUpStoredAlerts(String org) {
        store.unclosed(org).whenComplete((stored, failure) -> run(() -> {
            if (failure != null) {
                log.error("stored alerts could not be read; open alerts of an earlier run are not escalated", failure);
                return;
            }
            int taken = 0;
            for (StoredAlert s : stored) {
                if (!alerts.containsKey(s.view().id())) {
                    alerts.put(s.view().id(), DistressAlert.restore(s));
                    taken++;
                }
            }
            if (taken > 0) {
                log.info("took up stored alerts count={}", taken);
            }
        }));
    }

    /** How long past an alert's deadline its organisation counts as left behind by the node serving it. */
    static final java.time.Duration OVERDUE_AFTER = java.time.Duration.ofSeconds(1);
    /**
     * How long a raise waits for the store (the client's care record, then the alert's save) before
     * going on without it. Redis answers in a millisecond or two; a stalled one (a partition that
     * drops packets, a blocked server) answers nothing until the 2 s command time-out, twice over.
     */
    static final java.time.Duration STORE_WAIT = java.time.Duration.ofMillis(250);

    /**
     * The organisations with an alert whose deadline passed more than {@link #OVERDUE_AFTER} ago
     * (from the store's sorted set of deadlines): the node serving each should have acted by then,
     * so it died (or nobody serves it). A node takes them up, by the organisation's lease.
     */
    public java.util.concurrent.CompletionStage<java.util.Set<String>> organisationsOverdue() {
        return store.overdue(clock.instant().minus(OVERDUE_AFTER), 100);
    }

    /**
     * Another node serves organisation {@code org} now: its alerts leave this node (they are in the
     * store, where that node takes them up); one not yet stored stays here and is retried.
     */
    public void handOver(String org) {
        run(() -> alerts.values().removeIf(a -> a.client.org().equals(org) && !unstored.contains(a.id)));
    }

    // ---- sources -------------------------------------------------------------------------------

    /** The client's help button. Answers with the alert id, crisis resources and coping steps. */
    public void raiseByClient(Principal caller, Connection connection, ClientMessage.AlertRaise m) {
        if (caller.role() != Role.CLIENT) {
            reply(connection, new Refusal(ErrorCode.FORBIDDEN, "the help button is for clients; clinicians flag").toError(m.id()));
            return;
        }
        if (m.room() != null && !caller.isGranted(m.room())) {
            reply(connection, new Refusal(ErrorCode.FORBIDDEN, "the token does not grant this room").toError(m.id()));
            return;
        }
        UserRef client = new UserRef(caller.org(), caller.user());
        Severity severity = m.severity() != null ? m.severity() : Severity.HIGH;
        Alerts.Kind kind = m.kind() != null ? m.kind() : Alerts.Kind.OTHER;
        open(client, caller.name(), m.room(), Source.HELP_BUTTON, kind, severity, caller.user(), null, connection,
                m.id(), true);
    }

    /** A clinician flags distress they observed. */
    public void flag(Principal caller, Connection connection, ClientMessage.AlertFlag m) {
        if (!caller.role().isCareTeam()) {
            reply(connection, new Refusal(ErrorCode.FORBIDDEN, "only the care team flags distress").toError(m.id()));
            return;
        }
        UserRef client = new UserRef(caller.org(), m.client());
        if (!care.mayReadInRoom(caller, client, m.room())) {
            reply(connection, new Refusal(ErrorCode.FORBIDDEN,
                    "the client is not in a room you are granted").toError(m.id()));
            return;
        }
        open(client, null, m.room(), Source.CLINICIAN_FLAG, m.kind(), m.severity(), caller.user(), m.note(),
                connection, m.id(), false);
    }

    /** A missing or declined check-in where one is required: a low-severity alert, when configured. */
    public void raiseForCheckIn(UserRef client, String clientName, String room, Source source) {
        if (!alertOnCheckIn) {
            return;
        }
        run(() -> {
            for (DistressAlert a : alerts.values()) {
                if (a.client.equals(client) && a.state.isOpen() && a.source == source && room.equals(a.room)) {
                    return; // one open alert per client, room and reason is enough
                }
            }
            open(client, clientName, room, source, Alerts.Kind.OTHER, Severity.LOW, "system", null, null, null, false);
        });
    }

    /** Clients were left alone in {@code room}: a high-severity coverage alert, on-call first. */
    @Override
    public void coverageLost(UserRef client, String room) {
        run(() -> open(client, null, room, Source.COVERAGE, Alerts.Kind.OTHER, Severity.HIGH, "system", null, null,
                null, false));
    }

    /** A facilitator moved the client into a breakout for this alert: recorded on it, once per breakout. */
    @Override
    public void movedToBreakout(String alertId, UserRef by, String breakout) {
        run(() -> {
            DistressAlert a = alerts.get(alertId);
            if (a == null || !a.org().equals(by.org()) || !a.state.isOpen()) {
                return;
            }
            String key = "breakout-" + breakout;
            if (a.actions.containsKey(key)) {
                return;
            }
            Instant now = clock.instant();
            a.actions.put(key, new Alerts.Action(Alerts.ActionType.MOVED_TO_BREAKOUT, key, by.user(), now, null));
            a.changed(now, by.user(), "action", "moved_to_breakout");
            persistAndPush(a, AlertReason.UPDATED, null);
        });
    }

    /** The client checked in: low-severity check-in alerts for that room close themselves. */
    public void checkedIn(UserRef client, String room) {
        run(() -> {
            Instant now = clock.instant();
            for (DistressAlert a : alerts.values()) {
                if (a.client.equals(client) && room.equals(a.room) && a.state == State.RAISED
                        && a.severity == Severity.LOW
                        && (a.source == Source.CHECK_IN_MISSING || a.source == Source.CHECK_IN_DECLINED)) {
                    a.state = State.CLOSED;
                    a.changed(now, "system", "auto_closed", Alerts.Outcome.CHECKED_IN.name().toLowerCase(java.util.Locale.ROOT));
                    persistAndPush(a, AlertReason.UPDATED, "alert.closed");
                }
            }
        });
    }

    private void open(UserRef client, String clientName, String room, Source source, Alerts.Kind kind,
            Severity severity, String by, String note, Connection requester, String re, boolean isClient) {
        care.snapshot(client, room, STORE_WAIT).whenComplete((snapshot, failure) -> run(() -> {
            CareSnapshot known = failure == null ? snapshot : new CareSnapshot(null, null, null);
            if (failure != null) {
                log.warn("care snapshot unavailable client={}", client);
            }
            Instant now = clock.instant();
            DistressAlert existing = openAlertOf(client, source);
            if (existing != null) {
                existing.presses++;
                if (severity.compareTo(existing.severity) > 0) {
                    existing.severity = severity;
                }
                existing.changed(now, by, source == Source.CLINICIAN_FLAG ? "flagged" : "pressed_again",
                        severity.name().toLowerCase(java.util.Locale.ROOT));
                Runnable pushUpdated = pushOnce(existing, AlertReason.UPDATED);
                store.save(existing.stored()).whenComplete((v, e) -> run(() -> {
                    if (e != null) {
                        notStored(existing, requester, re, e);
                    } else {
                        answerRaise(existing, requester, re, isClient, known);
                    }
                    pushUpdated.run();
                }));
                return;
            }
            DistressAlert alert = new DistressAlert("a-" + randomId(), client,
                    clientName != null ? clientName : names.get(client), room, source, kind, severity, policy, known, now);
            alert.history.add(new Alerts.HistoryEntry(now, by, "raised", source.name().toLowerCase(java.util.Locale.ROOT)));
            if (note != null) {
                alert.actions.put("note-raise", new Alerts.Action(Alerts.ActionType.NOTE, "note-raise", by, now, note));
            }
            alert.tierIndex = severity == Severity.IMMINENT ? policy.lastTier()
                    : policy.startTier(room != null && source != Source.COVERAGE);
            alerts.put(alert.id, alert);
            metrics.raised(severity);
            reachTiers(alert, 0, now);
            alert.ackDeadline = now.plus(policy.ackTimeout(severity));
            audit.record(new AuditEvent(by, "alert.raise", "alert:" + alert.id, "ok", Map.of("client",
                    client.toString(), "severity", severity.name(), "source", source.name())));
            log.info("alert raised alert={} org={} severity={} source={} tier={}", alert.id, client.org(), severity,
                    source, alert.tier().wire());
            // Stored first; only then is the raiser told. The responders are told then too, or once
            // STORE_WAIT has passed without an answer from the store.
            Runnable pushRaised = pushOnce(alert, AlertReason.RAISED);
            store.save(alert.stored()).whenComplete((v, e) -> run(() -> {
                if (e != null) {
                    notStored(alert, requester, re, e);
                    pushRaised.run();
                    return;
                }
                answerRaise(alert, requester, re, isClient, known);
                pushRaised.run();
                webhook(alert, "alert.raised");
                if (alert.undelivered) {
                    webhook(alert, "alert.undelivered");
                }
            }));
        }));
    }

    private void answerRaise(DistressAlert alert, Connection requester, String re, boolean isClient,
            CareSnapshot known) {
        if (requester == null) {
            return;
        }
        var resources = isClient ? care.crisisResources(alert.org(), known.checkIn()) : List.<org.haven.protocol.Care.CrisisResource>of();
        var coping = isClient ? known.copingSteps() : List.<String>of();
        reply(requester, new ServerMessage.Ok(re, new Result.AlertReceived(alert.id, alert.state, resources, coping)));
    }

    private DistressAlert openAlertOf(UserRef client, Source source) {
        boolean automatic = source == Source.CHECK_IN_MISSING || source == Source.CHECK_IN_DECLINED
                || source == Source.COVERAGE;
        for (DistressAlert a : alerts.values()) {
            if (a.client.equals(client) && a.state.isOpen()
                    && (automatic ? a.source == source : a.source == Source.HELP_BUTTON || a.source == Source.CLINICIAN_FLAG)) {
                return a;
            }
        }
        return null;
    }

    // ---- escalation ----------------------------------------------------------------------------

    /**
     * Adds the connected responders of tiers {@code from}..current to the alert's targets, climbing
     * further at once past tiers nobody of is connected. With nobody at all, the alert is marked
     * undelivered (it is kept, escalation goes on, and anyone who connects and may see it gets it).
     */
    private void reachTiers(DistressAlert alert, int from, Instant now) {
        for (int t = from; t <= alert.tierIndex; t++) {
            addTargets(alert, policy(alert).tiers().get(t));
        }
        while (!delivery.anyTargetConnected(alert) && alert.tierIndex < policy(alert).lastTier()) {
            alert.tierIndex++;
            addTargets(alert, alert.tier());
        }
        if (!delivery.anyTargetConnected(alert)) {
            if (!alert.undelivered) {
                alert.undelivered = true;
                metrics.undelivered();
                alert.changed(now, "system", "undelivered", "no responder connected");
                log.warn("alert undelivered alert={} org={}", alert.id, alert.org());
            }
        } else if (alert.undelivered) {
            alert.undelivered = false;
            alert.changed(now, "system", "delivered", null);
        }
    }

    private void addTargets(DistressAlert alert, EscalationPolicy.Tier tier) {
        for (AlertDelivery.Responder r : delivery.inTier(tier, alert)) {
            alert.targets.add(r.user.user());
        }
    }

    private static EscalationPolicy policy(DistressAlert alert) {
        return alert.policy;
    }

    private void escalate(DistressAlert alert, Instant now, String why) {
        boolean wasUndelivered = alert.undelivered;
        int before = alert.tierIndex;
        // Climb to the next tier that has someone connected; an empty tier would only waste a time-out.
        while (alert.tierIndex < alert.policy.lastTier()) {
            alert.tierIndex++;
            if (!delivery.inTier(alert.tier(), alert).isEmpty()) {
                break;
            }
        }
        reachTiers(alert, before, now);
        alert.changed(now, "system", "escalated", why + " -> " + alert.tier().wire());
        alert.ackDeadline = now.plus(alert.policy.ackTimeout(alert.severity));
        metrics.escalated();
        audit.record(new AuditEvent("system", "alert.escalate", "alert:" + alert.id, "ok",
                Map.of("tier", alert.tier().wire(), "why", why)));
        persistAndPush(alert, AlertReason.ESCALATED, "alert.escalated");
        if (alert.undelivered && !wasUndelivered) {
            webhook(alert, "alert.undelivered");
        }
    }

    private void tick() {
        Instant now = clock.instant();
        metrics.countStates(alerts.values(), a -> a.state);
        for (DistressAlert a : new ArrayList<>(alerts.values())) {
            if (a.state == State.RAISED && !now.isBefore(a.ackDeadline)) {
                escalate(a, now, "no acknowledgement");
            } else if (a.state == State.ACKNOWLEDGED && !now.isBefore(a.engageDeadline)) {
                String was = a.acknowledgedBy;
                a.state = State.RAISED;
                a.acknowledgedBy = null;
                a.changed(now, "system", "engagement_timeout", "acknowledged by " + was + " but not engaged");
                escalate(a, now, "engagement time-out");
            } else if (a.state == State.RESOLVED && !now.isBefore(a.followUpDueAt)) {
                a.state = State.FOLLOW_UP_DUE;
                a.changed(now, "system", "follow_up_due", null);
                persistAndPush(a, AlertReason.UPDATED, null);
                remindFollowUp(a);
            }
        }
        delivery.redeliver(now, alerts::get);
        storeAgain();
    }

    private void remindFollowUp(DistressAlert a) {
        for (AlertDelivery.Responder r : delivery.responders(a.org())) {
            if (r.user.user().equals(a.resolvedBy)) {
                r.connection.send(Outbound.urgent(new ServerMessage.FollowUpDue(a.id, a.client.user(), a.followUpDueAt)));
            }
        }
    }

    // ---- responders ----------------------------------------------------------------------------

    /** A care-team connection authenticated: it receives every open alert it may see. */
    public void responderConnected(Principal p, Connection connection, PresenceStatus status) {
        if (!p.role().isCareTeam()) {
            return;
        }
        run(() -> {
            AlertDelivery.Responder r = new AlertDelivery.Responder(new UserRef(p.org(), p.user()), p.role(), p.rooms(),
                    connection, status);
            delivery.add(r);
            Instant now = clock.instant();
            for (DistressAlert a : alerts.values()) {
                if (!a.org().equals(p.org())) {
                    continue;
                }
                if (a.state.isOpen() && a.undelivered && inReachedTiers(r, a)) {
                    a.targets.add(p.user());
                    reachTiers(a, a.tierIndex, now);
                    store.save(a.stored());
                    webhook(a, "alert.delivered");
                }
                if (a.state.isOpen() && AlertDelivery.canSee(r, a)) {
                    a.targets.add(p.user());
                    delivery.pushTo(r, a, AlertReason.OPEN, now);
                }
                if (a.state == State.FOLLOW_UP_DUE && p.user().equals(a.resolvedBy)) {
                    connection.send(Outbound.urgent(new ServerMessage.FollowUpDue(a.id, a.client.user(), a.followUpDueAt)));
                }
            }
        });
    }

    private boolean inReachedTiers(AlertDelivery.Responder r, DistressAlert a) {
        for (int t = 0; t <= a.tierIndex; t++) {
            if (delivery.inTier(a.policy.tiers().get(t), a).contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** A responder's token was refreshed: its grants (what it may see) are those of the new token. */
    public void responderRefreshed(Principal p, Connection connection) {
        if (!p.role().isCareTeam()) {
            return;
        }
        run(() -> {
            AlertDelivery.Responder old = delivery.responder(connection.id());
            PresenceStatus status = old != null ? old.status : PresenceStatus.AVAILABLE;
            delivery.add(new AlertDelivery.Responder(new UserRef(p.org(), p.user()), p.role(), p.rooms(), connection,
                    status));
        });
    }

    /** The display name of a user, remembered from their token, for alerts about them. */
    public void nameOf(UserRef user, String name) {
        if (name != null) {
            names.put(user, name);
        }
    }

    public void responderDisconnected(Connection connection) {
        run(() -> delivery.remove(connection.id()));
    }

    public void statusChanged(UserRef user, PresenceStatus status) {
        run(() -> delivery.setStatus(user, status));
    }

    /** The client's last connection is gone: an open alert of theirs is marked and escalated now. */
    public void clientDisconnected(UserRef client) {
        run(() -> {
            Instant now = clock.instant();
            for (DistressAlert a : new ArrayList<>(alerts.values())) {
                if (a.client.equals(client) && a.state.isOpen() && a.severity != Severity.LOW) {
                    a.history.add(new Alerts.HistoryEntry(now, "system", "client_disconnected", null));
                    escalate(a, now, "client disconnected");
                }
            }
        });
    }

    // ---- lifecycle requests --------------------------------------------------------------------

    public void confirm(Connection connection, ClientMessage.AlertConfirm m) {
        run(() -> {
            DistressAlert a = alerts.get(m.alert());
            if (delivery.confirm(connection.id(), m.alert(), m.version()) && a != null && !a.receiptSeen) {
                a.receiptSeen = true;
                metrics.delivered(java.time.Duration.between(a.raisedAt, clock.instant()));
            }
            reply(connection, new ServerMessage.Ok(m.id(), null));
        });
    }

    public void acknowledge(Principal p, Connection c, ClientMessage.AlertAcknowledge m) {
        request(p, c, m.id(), m.alert(), a -> {
            if (a.state != State.RAISED) {
                throw illegal(a, "acknowledge");
            }
            a.state = State.ACKNOWLEDGED;
            a.acknowledgedBy = p.user();
            a.engageDeadline = clock.instant().plus(a.policy.engagementTimeout());
            a.changed(clock.instant(), p.user(), "acknowledged", null);
            persistAndPush(a, AlertReason.UPDATED, "alert.acknowledged");
            return null;
        });
    }

    public void engage(Principal p, Connection c, ClientMessage.AlertEngage m) {
        request(p, c, m.id(), m.alert(), a -> {
            if (a.state != State.ACKNOWLEDGED) {
                throw illegal(a, "engage");
            }
            if (!p.user().equals(a.acknowledgedBy)) {
                throw new Refusal(ErrorCode.ILLEGAL_TRANSITION, "acknowledged by " + a.acknowledgedBy
                        + "; only they engage it");
            }
            a.state = State.ENGAGED;
            a.engagedBy = p.user();
            a.changed(clock.instant(), p.user(), "engaged", null);
            persistAndPush(a, AlertReason.UPDATED, "alert.engaged");
            return null;
        });
    }

    public void action(Principal p, Connection c, ClientMessage.AlertAction m) {
        request(p, c, m.id(), m.alert(), a -> {
            if (!a.state.isOpen()) {
                throw illegal(a, "record an action on");
            }
            boolean repeatable = m.action() == Alerts.ActionType.NOTE || m.action() == Alerts.ActionType.GROUNDING_EXERCISE;
            String key = m.key() != null ? m.key()
                    : repeatable ? m.action().name().toLowerCase(java.util.Locale.ROOT) + "-" + randomId()
                    : m.action().name().toLowerCase(java.util.Locale.ROOT);
            Alerts.Action existing = a.actions.get(key);
            if (existing != null) {
                return new Result.ActionRecorded(a.id, key, false, existing.by());
            }
            Instant now = clock.instant();
            a.actions.put(key, new Alerts.Action(m.action(), key, p.user(), now, m.note()));
            a.changed(now, p.user(), "action", m.action().name().toLowerCase(java.util.Locale.ROOT));
            String hook = null;
            if (m.action() == Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES
                    && (a.state == State.ACKNOWLEDGED || a.state == State.ENGAGED)) {
                a.state = State.EMERGENCY_DISPATCHED;
                hook = "alert.emergency_dispatched";
            }
            persistAndPush(a, AlertReason.UPDATED, hook);
            return new Result.ActionRecorded(a.id, key, true, p.user());
        });
    }

    public void resolve(Principal p, Connection c, ClientMessage.AlertResolve m) {
        request(p, c, m.id(), m.alert(), a -> {
            if (a.state != State.ENGAGED && a.state != State.EMERGENCY_DISPATCHED) {
                throw illegal(a, "resolve");
            }
            Instant now = clock.instant();
            a.state = State.RESOLVED;
            a.resolvedBy = p.user();
            a.followUpDueAt = now.plus(a.policy.followUpDelay());
            if (m.note() != null) {
                a.actions.put("note-resolve", new Alerts.Action(Alerts.ActionType.NOTE, "note-resolve", p.user(), now,
                        m.note()));
            }
            a.changed(now, p.user(), "resolved", m.outcome().name().toLowerCase(java.util.Locale.ROOT));
            persistAndPush(a, AlertReason.UPDATED, "alert.resolved");
            return null;
        });
    }

    public void followUp(Principal p, Connection c, ClientMessage.AlertFollowUp m) {
        request(p, c, m.id(), m.alert(), a -> {
            if (a.state != State.RESOLVED && a.state != State.FOLLOW_UP_DUE) {
                throw illegal(a, "record a follow-up on");
            }
            Instant now = clock.instant();
            a.actions.put("follow-up", new Alerts.Action(Alerts.ActionType.NOTE, "follow-up", p.user(), now, m.note()));
            a.state = State.CLOSED;
            a.changed(now, p.user(), "closed", "follow-up recorded");
            persistAndPush(a, AlertReason.UPDATED, "alert.closed");
            return null;
        });
    }

    public void list(Principal p, Connection c, ClientMessage.AlertList m) {
        run(() -> {
            if (!p.role().isCareTeam()) {
                reply(c, new Refusal(ErrorCode.FORBIDDEN, "alerts are for the care team").toError(m.id()));
                return;
            }
            AlertDelivery.Responder as = responderView(p, c);
            List<Alerts.View> visible = new ArrayList<>();
            for (DistressAlert a : alerts.values()) {
                if ((a.state.isOpen() || a.state == State.RESOLVED || a.state == State.FOLLOW_UP_DUE)
                        && AlertDelivery.canSee(as, a)) {
                    visible.add(a.view());
                    delivery.auditCareRead(as, a, "list");
                }
            }
            reply(c, new ServerMessage.Ok(m.id(), new Result.AlertList(visible)));
        });
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private interface Step {
        Result apply(DistressAlert alert);
    }

    /** Runs a responder's request on the alert thread: authorization, the step, the reply. */
    private void request(Principal p, Connection c, String re, String alertId, Step step) {
        run(() -> {
            try {
                if (!p.role().isCareTeam()) {
                    throw new Refusal(ErrorCode.FORBIDDEN, "alerts are handled by the care team");
                }
                DistressAlert a = alerts.get(alertId);
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
                : new AlertDelivery.Responder(new UserRef(p.org(), p.user()), p.role(), p.rooms(), c, PresenceStatus.AVAILABLE);
    }

    private static Refusal illegal(DistressAlert a, String what) {
        return new Refusal(ErrorCode.ILLEGAL_TRANSITION, "cannot " + what + " an alert that is "
                + a.state.name().toLowerCase(java.util.Locale.ROOT));
    }

    private void persistAndPush(DistressAlert a, AlertReason reason, String webhookEvent) {
        audit.record(new AuditEvent(a.history.get(a.history.size() - 1).by(), "alert." + a.history.get(
                a.history.size() - 1).event(), "alert:" + a.id, "ok", Map.of("state", a.state.name(), "version",
                Long.toString(a.version))));
        store.save(a.stored()).whenComplete((v, e) -> {
            if (e != null) {
                run(() -> notStored(a, null, null, e));
            }
        });
        delivery.push(a, reason, clock.instant());
        if (webhookEvent != null) {
            webhook(a, webhookEvent);
        }
    }

    /**
     * Pushes {@code a} to its responders once: when the caller runs the returned task (the store has
     * answered), or after {@link #STORE_WAIT} if that has not happened by then, so a stalled store
     * (no answer until the command time-out) does not hold a crisis alert back. Alert thread.
     */
    private Runnable pushOnce(DistressAlert a, AlertReason reason) {
        boolean[] pushed = {false};
        Runnable push = () -> {
            if (!pushed[0]) {
                pushed[0] = true;
                delivery.push(a, reason, clock.instant());
            }
        };
        java.util.concurrent.ScheduledFuture<?> early;
        try {
            early = executor.schedule(() -> {
                try {
                    if (!pushed[0]) {
                        log.warn("alert store has not answered within {} ms; responders told first alert={}",
                                STORE_WAIT.toMillis(), a.id);
                        push.run();
                    }
                } catch (RuntimeException e) {
                    log.error("alert task failed", e);
                }
            }, STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Stopping: the store's answer will find no thread to run on either, so tell them now.
            push.run();
            return push;
        }
        return () -> {
            early.cancel(false);
            push.run();
        };
    }

    /**
     * The store refused or could not be reached. The raiser is told (the alert is not durable: call
     * the crisis line now), the responders connected here still get the alert, and the alert is kept
     * here and stored again on every tick until the store takes it.
     */
    private void notStored(DistressAlert a, Connection requester, String re, Throwable failure) {
        log.error("alert could not be stored alert={} ({}); kept here and retried", a.id,
                failure.getClass().getSimpleName());
        unstored.add(a.id);
        if (requester != null) {
            reply(requester, new ServerMessage.Error(re, ErrorCode.INTERNAL,
                    "the alert could not be stored; call the crisis line now"));
        }
    }

    /** Stores again every alert the store did not take, one attempt in flight at a time. Alert thread. */
    private void storeAgain() {
        if (unstored.isEmpty() || retrying) {
            return;
        }
        retrying = true;
        List<CompletableFuture<String>> attempts = new ArrayList<>();
        for (String id : unstored) {
            DistressAlert a = alerts.get(id);
            if (a != null) {
                attempts.add(store.save(a.stored()).toCompletableFuture().thenApply(v -> id));
            }
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> run(() -> {
            retrying = false;
            for (CompletableFuture<String> attempt : attempts) {
                if (!attempt.isCompletedExceptionally()) {
                    unstored.remove(attempt.join());
                }
            }
            if (unstored.isEmpty()) {
                log.info("every alert kept during the store's outage is stored");
            }
        }));
    }

    private void webhook(DistressAlert a, String event) {
        webhooks.publish(new WebhookEvent(event, a.id, a.org(), a.room, a.client.user(),
                a.kind.name().toLowerCase(java.util.Locale.ROOT), a.severity.name().toLowerCase(java.util.Locale.ROOT),
                a.state.name().toLowerCase(java.util.Locale.ROOT), clock.instant()));
    }

    private void run(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("alert task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("alert service stopped; task dropped");
        }
    }

    private static void reply(Connection c, ServerMessage message) {
        c.send(Outbound.of(message));
    }

    private static String randomId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
