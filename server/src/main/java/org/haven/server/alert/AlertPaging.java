package org.haven.server.alert;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.jspecify.annotations.Nullable;

/**
 * Reaches the people of an alert's tiers who are not connected: paging (Web Push) where a node has
 * it configured. The escalation says which tiers an alert has reached and who of the organisation is
 * connected; whom of the rest to page, and how, is the paging's to say.
 *
 * <p>Threading: called on the alert thread; an implementation must not block it.
 */
public interface AlertPaging {

    /** No paging: alerts reach connected responders only. */
    AlertPaging NONE = new AlertPaging() {
        @Override
        public void reached(Reach reach) {}

        @Override
        public void stop(String alertId) {}
    };

    /**
     * An alert stands at a tier (raised, climbed, or with nobody connected): the people of its
     * reached tiers who have no connection in {@code connected} (or only connections in {@code
     * away}, as the paging is configured) are to be paged, each at most once for each {@code step}
     * and severity.
     */
    void reached(Reach reach);

    /**
     * The alert was acknowledged or closed: pages for it not yet sent are dropped, and none are sent
     * until it is reached again (raised again: acknowledged and not engaged in time).
     */
    void stop(String alertId);

    /**
     * Where an alert stands: its {@code tiers} reached so far, {@code step} the escalation step (how
     * many times it has escalated: climbed, or its acknowledgement time-out passed at the last tier),
     * whether nobody at all is connected for it; {@code connected}
     * the users of its organisation connected to the node serving it, and {@code away} those of them
     * whose every connection is at status away.
     */
    record Reach(
            String org,
            String alert,
            Alerts.Severity severity,
            @Nullable String room,
            List<EscalationPolicy.Tier> tiers,
            int step,
            boolean undelivered,
            Set<String> connected,
            Set<String> away) {
        public Reach {
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(severity, "severity");
            tiers = List.copyOf(tiers);
            connected = Set.copyOf(connected);
            away = Set.copyOf(away);
        }
    }
}
