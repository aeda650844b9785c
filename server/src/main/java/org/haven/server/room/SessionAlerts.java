package org.haven.server.room;

import org.haven.server.presence.UserRef;

/** What session control tells the alert service: coverage lost, a breakout started for an alert. */
public interface SessionAlerts {

    /** Clients were left without a facilitator in {@code room}: a coverage alert goes to on-call. */
    void coverageLost(UserRef client, String room);

    /** A breakout was started for {@code alertId} by {@code by}: recorded on the alert. */
    void movedToBreakout(String alertId, UserRef by, String breakout);

    /** Does nothing: for tests of rooms alone. */
    SessionAlerts NONE = new SessionAlerts() {
        @Override
        public void coverageLost(UserRef client, String room) {}

        @Override
        public void movedToBreakout(String alertId, UserRef by, String breakout) {}
    };
}
