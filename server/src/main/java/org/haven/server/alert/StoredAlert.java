package org.haven.server.alert;

import java.time.Instant;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.jspecify.annotations.Nullable;

/**
 * An alert as stored: the responders' view plus what escalation needs to go on after a restart
 * (organisation, policy, tier reached, deadlines, who has been notified).
 */
public record StoredAlert(
        String org,
        Alerts.View view,
        EscalationPolicy policy,
        int tierIndex,
        Set<String> targets,
        @Nullable Instant ackDeadline,
        @Nullable Instant engageDeadline,
        @Nullable String resolvedBy) {

    public StoredAlert {
        targets = Set.copyOf(targets);
    }

    /**
     * When the node serving the alert must act on it next, or null when nothing is due by time: the
     * acknowledgement deadline of a raised alert (escalation), the engagement deadline of an
     * acknowledged one, the follow-up of a resolved one.
     */
    public @Nullable Instant nextDeadline() {
        return switch (view.state()) {
            case RAISED -> ackDeadline;
            case ACKNOWLEDGED -> engageDeadline;
            case RESOLVED -> view.followUpDueAt();
            default -> null;
        };
    }
}
