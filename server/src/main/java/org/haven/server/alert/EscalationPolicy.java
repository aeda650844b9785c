package org.haven.server.alert;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Role;
import org.jspecify.annotations.Nullable;

/**
 * How an unacknowledged alert climbs: ordered tiers of responders, how long each severity may wait
 * for an acknowledgement before the next tier is added (IMMINENT reaches every tier at once), how
 * long an acknowledged alert may wait to be engaged, when the follow-up of a resolved alert falls
 * due, and how often an unconfirmed delivery is sent again. The policy in force is frozen onto each
 * alert when it is raised.
 */
public record EscalationPolicy(
        List<Tier> tiers,
        Map<Severity, Duration> ackTimeouts,
        Duration engagementTimeout,
        Duration followUpDelay,
        Duration redeliveryInterval) {

    /** A group of responders, by how they relate to the alert; each is one of the protocol's tiers. */
    public enum Tier {
        /** Clinicians granted the alert's room (its facilitators). */
        FACILITATORS(Alerts.Tier.FACILITATORS),
        /** The organisation's clinicians whose status is on call. */
        ON_CALL(Alerts.Tier.ON_CALL),
        /** The organisation's supervisors. */
        SUPERVISORS(Alerts.Tier.SUPERVISORS);

        private final Alerts.Tier onWire;

        Tier(Alerts.Tier onWire) {
            this.onWire = onWire;
        }

        /** The tier as alert views carry it (docs/protocol.md, {@code AlertTier}). */
        public String wire() {
            return onWire.wire();
        }

        /**
         * Whether this tier holds someone of the alert's organisation with {@code role}, the room
         * {@code grants} of their token, and {@code onCall} (their status is on call), for an alert
         * in {@code room} (null: raised outside a session).
         */
        public boolean holds(Role role, Set<String> grants, boolean onCall, @Nullable String room) {
            return switch (this) {
                case FACILITATORS -> role == Role.CLINICIAN && room != null && grants.contains(room);
                case ON_CALL -> role == Role.CLINICIAN && onCall;
                case SUPERVISORS -> role == Role.SUPERVISOR;
            };
        }
    }

    public EscalationPolicy {
        tiers = List.copyOf(tiers);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("tiers: empty (expected: at least one)");
        }
        ackTimeouts = Map.copyOf(ackTimeouts);
        for (Severity s : Severity.values()) {
            Duration d = ackTimeouts.get(s);
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("ackTimeouts." + s + ": " + d + " (expected: > 0)");
            }
        }
        Objects.requireNonNull(engagementTimeout, "engagementTimeout");
        Objects.requireNonNull(followUpDelay, "followUpDelay");
        Objects.requireNonNull(redeliveryInterval, "redeliveryInterval");
    }

    /** Facilitators → on call → supervisors; LOW 10 min, MODERATE 3 min, HIGH 60 s, IMMINENT 30 s. */
    public static EscalationPolicy defaults() {
        Map<Severity, Duration> ack = new EnumMap<>(Severity.class);
        ack.put(Severity.LOW, Duration.ofMinutes(10));
        ack.put(Severity.MODERATE, Duration.ofMinutes(3));
        ack.put(Severity.HIGH, Duration.ofSeconds(60));
        ack.put(Severity.IMMINENT, Duration.ofSeconds(30));
        return new EscalationPolicy(
                List.of(Tier.FACILITATORS, Tier.ON_CALL, Tier.SUPERVISORS),
                ack,
                Duration.ofMinutes(5),
                Duration.ofHours(24),
                Duration.ofSeconds(5));
    }

    public Duration ackTimeout(Severity severity) {
        return Objects.requireNonNull(ackTimeouts.get(severity), "validated: a time-out per severity");
    }

    /** The tier an alert starts at: on call when it is raised outside a session, else the first. */
    public int startTier(boolean inSession) {
        int onCall = tiers.indexOf(Tier.ON_CALL);
        return !inSession && onCall >= 0 ? onCall : 0;
    }

    public int lastTier() {
        return tiers.size() - 1;
    }
}
