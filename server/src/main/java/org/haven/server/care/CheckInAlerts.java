package org.haven.server.care;

import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/** What a check-in tells the alert service (which depends on care, so care declares this). */
public interface CheckInAlerts {

    /** The client checked in for {@code room}: low-severity check-in alerts for it close themselves. */
    void checkedIn(UserRef client, String room);

    /** The client declined to say where they are, for {@code room}: a low-severity alert, when configured. */
    void checkInDeclined(UserRef client, @Nullable String clientName, String room);
}
