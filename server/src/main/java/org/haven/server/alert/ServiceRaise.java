package org.haven.server.alert;

import java.util.Objects;
import org.haven.protocol.Alerts;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * An alert raised by a program's system through the server API: about whom, where (a room, when the
 * client is in a session), what, how severe, with the service's dedup key (a repeat with the same
 * key, while the alert is open, is that alert) and an optional note for the responders.
 */
public record ServiceRaise(
        String service,
        UserRef client,
        @Nullable String room,
        Alerts.Kind kind,
        Alerts.Severity severity,
        @Nullable String dedupKey,
        @Nullable String note) {

    public ServiceRaise {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
    }
}
