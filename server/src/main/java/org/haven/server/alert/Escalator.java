package org.haven.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.haven.protocol.PresenceStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an alert climbs, in one place: which tier it starts at, who each tier holds, and how it goes
 * up (past tiers with nobody connected, at once; to the next after each acknowledgement time-out).
 * The order of the tiers and the time-outs are the alert's {@link EscalationPolicy}; everything
 * else about the policy is here. Changes the alert's tier, targets and delivery flag, and adds the
 * history lines that go with them; storing and pushing are the caller's.
 *
 * <p>Threading: the alert thread.
 */
final class Escalator {

    private static final Logger log = LoggerFactory.getLogger(Escalator.class);

    /**
     * How long a responder who just disconnected still counts for their tier, and how long after
     * this node took an organisation up everyone of it does: a failover or a network blip drops
     * every connection at once, and an alert must not pass a tier whose people are reconnecting.
     */
    static final Duration RECONNECT_GRACE = Duration.ofSeconds(15);

    private final AlertDelivery delivery;
    private final AlertMetrics metrics;
    private final AlertPaging paging;
    /** Organisations this node took up, until when their responders are expected back. */
    private final Map<String, Instant> takenUp = new HashMap<>();
    /** Responders who disconnected, by connection id, until when they are expected back. */
    private final Map<String, Departed> departed = new HashMap<>();

    private record Departed(AlertDelivery.Responder responder, Instant until) {}

    Escalator(AlertDelivery delivery, AlertMetrics metrics, AlertPaging paging) {
        this.delivery = delivery;
        this.metrics = metrics;
        this.paging = paging;
    }

    /**
     * The tier a new alert starts at: every tier at once when imminent; on call first when it is
     * raised outside a session or for lost coverage (the facilitators are the ones missing); else
     * the room's facilitators.
     */
    static int startTier(
            EscalationPolicy policy, Alerts.Severity severity, @Nullable String room, Alerts.Source source) {
        if (severity == Alerts.Severity.IMMINENT) {
            return policy.lastTier();
        }
        return policy.startTier(room != null && source != Alerts.Source.COVERAGE);
    }

    /** The responders of one tier connected here, for an alert. */
    List<AlertDelivery.Responder> inTier(EscalationPolicy.Tier tier, DistressAlert alert) {
        List<AlertDelivery.Responder> out = new ArrayList<>();
        for (AlertDelivery.Responder r : delivery.responders(alert.org())) {
            if (matches(tier, r, alert)) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean matches(EscalationPolicy.Tier tier, AlertDelivery.Responder r, DistressAlert alert) {
        return r.user.org().equals(alert.org())
                && tier.holds(r.role, r.grants, r.status == PresenceStatus.ON_CALL, alert.room);
    }

    /** This node serves {@code org} from now: its responders reconnect here, within the grace. */
    void takenUp(String org, Instant now) {
        takenUp.put(org, now.plus(RECONNECT_GRACE));
    }

    /** A responder's connection ended: they still count for their tier within the grace. */
    void departed(AlertDelivery.Responder r, Instant now) {
        departed.put(r.connection.id(), new Departed(r, now.plus(RECONNECT_GRACE)));
    }

    /**
     * An alert that waited at its tier for responders expected back, and nobody came back within
     * the grace: it goes on as if they had not been expected (climbing, or undelivered). Returns
     * whether it changed.
     */
    boolean goOnAfterGrace(DistressAlert alert, Instant now) {
        if (alert.state() != Alerts.State.RAISED
                || alert.undelivered()
                || delivery.anyTargetConnected(alert)
                || expectedBack(alert, now)) {
            return false;
        }
        int tier = alert.tierIndex();
        reach(alert, tier, now);
        if (alert.tierIndex() != tier) {
            alert.changed(
                    now,
                    "system",
                    Alerts.HistoryEvent.ESCALATED,
                    "nobody back after the grace -> " + alert.tier().wire());
            alert.ackBy(now.plus(alert.policy.ackTimeout(alert.severity()))); // the new tier's own time-out
            metrics.escalated();
        }
        page(alert, now);
        return alert.tierIndex() != tier || alert.undelivered();
    }

    private boolean justTakenUp(String org, Instant now) {
        Instant until = takenUp.get(org);
        return until != null && until.isAfter(now);
    }

    /** Forgets the graces that ended. */
    void expireGraces(Instant now) {
        takenUp.values().removeIf(until -> !until.isAfter(now));
        departed.values().removeIf(d -> !d.until().isAfter(now));
    }

    /**
     * Whether someone the alert's reached tiers hold is expected back within the grace: everyone of
     * an organisation just taken up, or a responder of those tiers who just disconnected.
     */
    boolean expectedBack(DistressAlert alert, Instant now) {
        Instant until = takenUp.get(alert.org());
        if (until != null && until.isAfter(now)) {
            return true;
        }
        for (Departed d : departed.values()) {
            if (d.until().isAfter(now)
                    && d.responder().user.org().equals(alert.org())
                    && (alert.isTarget(d.responder().user.user()) || inAReachedTier(d.responder(), alert))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code r}, connected or not, belongs to a tier the alert has reached. */
    private static boolean inAReachedTier(AlertDelivery.Responder r, DistressAlert alert) {
        for (int t = 0; t <= alert.tierIndex(); t++) {
            if (matches(alert.policy.tiers().get(t), r, alert)) {
                return true;
            }
        }
        return false;
    }

    /** Whether nobody of {@code tier} is connected for the alert, nor expected back within the grace. */
    private boolean nobodyIn(EscalationPolicy.Tier tier, DistressAlert alert, Instant now) {
        if (!inTier(tier, alert).isEmpty()) {
            return false;
        }
        Instant until = takenUp.get(alert.org());
        if (until != null && until.isAfter(now)) {
            return false;
        }
        for (Departed d : departed.values()) {
            if (d.until().isAfter(now) && matches(tier, d.responder(), alert)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code r} belongs to a tier the alert has reached. */
    boolean inReachedTiers(AlertDelivery.Responder r, DistressAlert a) {
        for (int t = 0; t <= a.tierIndex(); t++) {
            if (inTier(a.policy.tiers().get(t), a).contains(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds the connected responders of tiers {@code from}..current to the alert's targets, climbing
     * further at once past tiers nobody of is connected, unless someone of them is expected back
     * within the {@link #RECONNECT_GRACE}. With nobody at all (and nobody expected back), the alert
     * is marked undelivered (it is kept, escalation goes on, and anyone who connects and may see it
     * gets it).
     */
    void reach(DistressAlert alert, int from, Instant now) {
        EscalationPolicy policy = alert.policy;
        for (int t = from; t <= alert.tierIndex(); t++) {
            target(alert, policy.tiers().get(t));
        }
        while (!delivery.anyTargetConnected(alert)
                && !expectedBack(alert, now)
                && alert.tierIndex() < policy.lastTier()) {
            alert.reachTier(alert.tierIndex() + 1);
            target(alert, alert.tier());
        }
        if (!delivery.anyTargetConnected(alert) && expectedBack(alert, now)) {
            return; // waits at this tier for them; the tick looks again once the grace is over
        }
        if (!delivery.anyTargetConnected(alert)) {
            if (!alert.undelivered()) {
                alert.undelivered(true);
                metrics.undelivered();
                alert.changed(now, "system", Alerts.HistoryEvent.UNDELIVERED, "no responder connected");
                log.warn("alert undelivered alert={} org={}", alert.id, alert.org());
            }
        } else if (alert.undelivered()) {
            alert.undelivered(false);
            alert.changed(now, "system", Alerts.HistoryEvent.DELIVERED, null);
        }
    }

    /**
     * Pages the people of the alert's reached tiers who are not connected (the paging decides whom),
     * those expected back included (a closed console is not always a blip); but nobody just after
     * this node took the organisation up, when everyone is reconnecting.
     */
    private void page(DistressAlert alert, Instant now) {
        if (alert.state() != Alerts.State.RAISED || justTakenUp(alert.org(), now)) {
            return;
        }
        Set<String> connected = new HashSet<>();
        Set<String> notAway = new HashSet<>();
        for (AlertDelivery.Responder r : delivery.responders(alert.org())) {
            connected.add(r.user.user());
            if (r.status != PresenceStatus.AWAY) {
                notAway.add(r.user.user());
            }
        }
        Set<String> away = new HashSet<>(connected);
        away.removeAll(notAway);
        paging.reached(new AlertPaging.Reach(
                alert.org(),
                alert.id,
                alert.severity(),
                alert.room,
                alert.policy.tiers().subList(0, alert.tierIndex() + 1),
                alert.escalations(),
                alert.undelivered(),
                connected,
                away));
    }

    /** A new alert reaches its first tiers; it must be acknowledged within its severity's time-out. */
    void start(DistressAlert alert, Instant now) {
        alert.reachTier(startTier(alert.policy, alert.severity(), alert.room, alert.source));
        reach(alert, 0, now);
        page(alert, now);
    }

    /**
     * A repeat raised the alert's severity: the tiers that severity starts at are reached at once
     * (IMMINENT: every tier), and while it is unacknowledged it must be acknowledged within that
     * severity's time-out, if that ends sooner than the deadline it had. Returns whether it climbed.
     */
    boolean severityRaised(DistressAlert alert, Alerts.Severity before, Instant now) {
        if (!alert.state().isOpen() || alert.severity().compareTo(before) <= 0) {
            return false;
        }
        if (alert.state() == Alerts.State.RAISED) {
            Instant deadline = now.plus(alert.policy.ackTimeout(alert.severity()));
            Instant current = alert.status().ackDeadline();
            if (current == null || deadline.isBefore(current)) {
                alert.ackBy(deadline);
            }
        }
        int from = alert.tierIndex();
        int start = startTier(alert.policy, alert.severity(), alert.room, alert.source);
        if (start <= from) {
            page(alert, now); // the tiers are the same; those paged were told a lower severity
            return false;
        }
        alert.reachTier(start);
        reach(alert, from, now);
        alert.changed(
                now,
                "system",
                Alerts.HistoryEvent.ESCALATED,
                "severity " + alert.severity().name().toLowerCase(Locale.ROOT) + " -> "
                        + alert.tier().wire());
        metrics.escalated();
        page(alert, now);
        return true;
    }

    /**
     * A responder of a reached tier connected while nobody the alert targets was: they are told, and
     * the alert is delivered again. Returns whether that happened.
     */
    boolean reachLateResponder(DistressAlert alert, AlertDelivery.Responder r, Instant now) {
        if (!alert.state().isOpen() || !alert.undelivered() || !inReachedTiers(r, alert)) {
            return false;
        }
        alert.target(r.user.user());
        reach(alert, alert.tierIndex(), now);
        page(alert, now);
        return true;
    }

    /**
     * Climbs to the next tier that has someone connected (an empty tier would only waste a
     * time-out), adds its responders, and gives them a new acknowledgement time-out. Returns whether
     * the alert became undelivered by it.
     */
    boolean escalate(DistressAlert alert, Instant now, String why) {
        boolean wasUndelivered = alert.undelivered();
        int before = alert.tierIndex();
        EscalationPolicy policy = alert.policy;
        while (alert.tierIndex() < policy.lastTier()) {
            alert.reachTier(alert.tierIndex() + 1);
            if (!nobodyIn(alert.tier(), alert, now)) {
                break;
            }
        }
        reach(alert, before, now);
        alert.changed(
                now,
                "system",
                Alerts.HistoryEvent.ESCALATED,
                why + " -> " + alert.tier().wire());
        alert.ackBy(now.plus(policy.ackTimeout(alert.severity())));
        metrics.escalated();
        page(alert, now);
        return alert.undelivered() && !wasUndelivered;
    }

    private void target(DistressAlert alert, EscalationPolicy.Tier tier) {
        for (AlertDelivery.Responder r : inTier(tier, alert)) {
            alert.target(r.user.user());
        }
    }
}
