package org.haven.server.webhook;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What integrators are told about an alert: opaque ids, its severity and state, and when it
 * happened; never health data (no names, locations, notes, and not its kind: "suicidal ideation" is
 * a fact about a person's health), because the receiver sits outside Haven's care boundary. Serialised as JSON with exactly these fields, {@code at} as an ISO-8601
 * string.
 *
 * @param event    what happened, one of the {@code alert.*} names below
 * @param alertId  the alert's opaque id
 * @param org      the organisation's opaque id
 * @param room     the session room's opaque id; null for an alert raised outside a session
 * @param client   the client's opaque id; may be null
 * @param severity the alert's severity
 * @param state    the alert's state after this event
 * @param at       when it happened
 */
public record WebhookEvent(
        String event,
        String alertId,
        String org,
        @Nullable String room,
        @Nullable String client,
        String severity,
        String state,
        Instant at) {

    public static final String RAISED = "alert.raised";
    public static final String ESCALATED = "alert.escalated";
    public static final String ACKNOWLEDGED = "alert.acknowledged";
    public static final String UNDELIVERED = "alert.undelivered";
    public static final String RESOLVED = "alert.resolved";
    public static final String CLOSED = "alert.closed";

    public WebhookEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }
}
