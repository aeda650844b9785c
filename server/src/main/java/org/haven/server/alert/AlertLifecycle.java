package org.haven.server.alert;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle of an alert, as pure functions: an immutable {@link Status} in, a {@link Transition}
 * out (the next status, and the history line and webhook event it makes), or a {@link Refusal}
 * ({@code illegal_transition}) when the step is not allowed from that state. Nothing here reads a
 * clock, sends or stores: the time comes in as an argument, and {@link DistressAlert#apply} is the
 * only place a transition takes effect.
 *
 * <pre>
 *   raised ──acknowledge──▶ acknowledged ──engage (same clinician)──▶ engaged ──resolve──▶ resolved
 *     ▲  │                       │   │                                 │                     │
 *     │  │ checked in (low,      │   └──dispatched emergency services──┴──▶ emergency_dispatched
 *     │  │ check-in sources)     │                                            │ resolve
 *     │  ▼                       │ engagement time-out                        ▼
 *     │ closed ◀──follow-up──────┼─────────────────────────── resolved / follow_up_due
 *     └──────────────────────────┘                              (follow-up falls due)
 * </pre>
 *
 * <p>Threading: pure functions, any thread.
 */
final class AlertLifecycle {

    private AlertLifecycle() {}

    /**
     * The part of an alert its lifecycle changes: its state, who acknowledged, engaged and resolved
     * it, and its deadlines (acknowledgement: escalation; engagement; follow-up).
     */
    record Status(
            State state,
            @Nullable String acknowledgedBy,
            @Nullable String engagedBy,
            @Nullable String resolvedBy,
            @Nullable Instant ackDeadline,
            @Nullable Instant engageDeadline,
            @Nullable Instant followUpDueAt) {

        Status {
            Objects.requireNonNull(state, "state");
        }

        /** A new alert: raised, to be acknowledged by {@code ackDeadline}. */
        static Status raised(Instant ackDeadline) {
            return new Status(State.RAISED, null, null, null, ackDeadline, null, null);
        }

        Status withState(State next) {
            return new Status(next, acknowledgedBy, engagedBy, resolvedBy, ackDeadline, engageDeadline, followUpDueAt);
        }

        Status withAckDeadline(Instant deadline) {
            return new Status(state, acknowledgedBy, engagedBy, resolvedBy, deadline, engageDeadline, followUpDueAt);
        }
    }

    /**
     * One step: the status after it, and the history line it adds ({@code by}, {@code event},
     * {@code detail}); {@code webhook} is the event integrators are told of, or null.
     */
    record Transition(
            Status next,
            String by,
            Alerts.HistoryEvent event,
            @Nullable String detail,
            @Nullable String webhook) {}

    /** What the clock makes due on an alert. */
    enum Due {
        NOTHING,
        /** Raised and not acknowledged in time: the next tier is added. */
        ACKNOWLEDGEMENT,
        /** Acknowledged and not engaged in time: raised again, and escalated. */
        ENGAGEMENT,
        /** Resolved, and its follow-up falls due. */
        FOLLOW_UP
    }

    /** What is due on {@code s} at {@code now}. */
    static Due due(Status s, Instant now) {
        return switch (s.state()) {
            case RAISED ->
                s.ackDeadline() != null && !now.isBefore(s.ackDeadline()) ? Due.ACKNOWLEDGEMENT : Due.NOTHING;
            case ACKNOWLEDGED ->
                s.engageDeadline() != null && !now.isBefore(s.engageDeadline()) ? Due.ENGAGEMENT : Due.NOTHING;
            case RESOLVED ->
                s.followUpDueAt() != null && !now.isBefore(s.followUpDueAt()) ? Due.FOLLOW_UP : Due.NOTHING;
            default -> Due.NOTHING;
        };
    }

    /** A responder acknowledges a raised alert; they have {@code policy}'s engagement time to engage. */
    static Transition acknowledge(Status s, EscalationPolicy policy, String by, Instant now) {
        require(s, "acknowledge", State.RAISED);
        Status next = new Status(
                State.ACKNOWLEDGED,
                by,
                s.engagedBy(),
                s.resolvedBy(),
                s.ackDeadline(),
                now.plus(policy.engagementTimeout()),
                s.followUpDueAt());
        return new Transition(next, by, Alerts.HistoryEvent.ACKNOWLEDGED, null, "alert.acknowledged");
    }

    /** The clinician who acknowledged it engages with the client; nobody else may. */
    static Transition engage(Status s, String by) {
        require(s, "engage", State.ACKNOWLEDGED);
        if (!by.equals(s.acknowledgedBy())) {
            throw new Refusal(
                    ErrorCode.ILLEGAL_TRANSITION, "acknowledged by " + s.acknowledgedBy() + "; only they engage it");
        }
        Status next = new Status(
                State.ENGAGED,
                s.acknowledgedBy(),
                by,
                s.resolvedBy(),
                s.ackDeadline(),
                s.engageDeadline(),
                s.followUpDueAt());
        return new Transition(next, by, Alerts.HistoryEvent.ENGAGED, null, "alert.engaged");
    }

    /**
     * An action recorded on an open alert: emergency services dispatched moves an acknowledged or
     * engaged alert to {@code emergency_dispatched}; any other action leaves the state as it is.
     */
    static Transition action(Status s, Alerts.ActionType action, String by) {
        if (!s.state().isOpen()) {
            throw illegal(s, "record an action on");
        }
        String detail = action.name().toLowerCase(Locale.ROOT);
        if (action == Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES
                && (s.state() == State.ACKNOWLEDGED || s.state() == State.ENGAGED)) {
            return new Transition(
                    s.withState(State.EMERGENCY_DISPATCHED),
                    by,
                    Alerts.HistoryEvent.ACTION,
                    detail,
                    "alert.emergency_dispatched");
        }
        return new Transition(s, by, Alerts.HistoryEvent.ACTION, detail, null);
    }

    /** An engaged (or dispatched) alert is resolved; its follow-up falls due after {@code policy}'s delay. */
    static Transition resolve(Status s, EscalationPolicy policy, String by, Alerts.Outcome outcome, Instant now) {
        require(s, "resolve", State.ENGAGED, State.EMERGENCY_DISPATCHED);
        Status next = new Status(
                State.RESOLVED,
                s.acknowledgedBy(),
                s.engagedBy(),
                by,
                s.ackDeadline(),
                s.engageDeadline(),
                now.plus(policy.followUpDelay()));
        return new Transition(
                next, by, Alerts.HistoryEvent.RESOLVED, outcome.name().toLowerCase(Locale.ROOT), "alert.resolved");
    }

    /** The follow-up of a resolved alert is recorded: it is closed. */
    static Transition followUp(Status s, String by) {
        require(s, "record a follow-up on", State.RESOLVED, State.FOLLOW_UP_DUE);
        return new Transition(
                s.withState(State.CLOSED), by, Alerts.HistoryEvent.CLOSED, "follow-up recorded", "alert.closed");
    }

    /** A check-in alert closes itself when the client checks in, while nobody has acknowledged it. */
    static Transition checkedIn(Status s) {
        require(s, "close", State.RAISED);
        return new Transition(
                s.withState(State.CLOSED),
                "system",
                Alerts.HistoryEvent.AUTO_CLOSED,
                Alerts.Outcome.CHECKED_IN.name().toLowerCase(Locale.ROOT),
                "alert.closed");
    }

    /** Acknowledged but not engaged in time: raised again (then escalated by the caller). */
    static Transition engagementTimedOut(Status s) {
        require(s, "time out", State.ACKNOWLEDGED);
        Status next = new Status(
                State.RAISED,
                null,
                s.engagedBy(),
                s.resolvedBy(),
                s.ackDeadline(),
                s.engageDeadline(),
                s.followUpDueAt());
        return new Transition(
                next,
                "system",
                Alerts.HistoryEvent.ENGAGEMENT_TIMEOUT,
                "acknowledged by " + s.acknowledgedBy() + " but not engaged",
                null);
    }

    /** The follow-up of a resolved alert falls due. */
    static Transition followUpDue(Status s) {
        require(s, "mark follow-up due on", State.RESOLVED);
        return new Transition(
                s.withState(State.FOLLOW_UP_DUE), "system", Alerts.HistoryEvent.FOLLOW_UP_DUE, null, null);
    }

    private static void require(Status s, String what, State... allowed) {
        for (State a : allowed) {
            if (s.state() == a) {
                return;
            }
        }
        throw illegal(s, what);
    }

    private static Refusal illegal(Status s, String what) {
        return new Refusal(
                ErrorCode.ILLEGAL_TRANSITION,
                "cannot " + what + " an alert that is " + s.state().name().toLowerCase(Locale.ROOT));
    }
}
