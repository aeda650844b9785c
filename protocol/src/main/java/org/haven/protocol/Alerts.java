package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Distress alerts as they travel on the wire: kinds, severities, states, actions and the responder's view. */
public interface Alerts {

    /** What the distress is, in the source document's terms. */
    enum Kind {
        @JsonProperty("severe_anxiety")
        SEVERE_ANXIETY,
        @JsonProperty("self_harm_ideation")
        SELF_HARM_IDEATION,
        @JsonProperty("suicidal_ideation")
        SUICIDAL_IDEATION,
        @JsonProperty("depressive_episode")
        DEPRESSIVE_EPISODE,
        @JsonProperty("emotional_dysregulation")
        EMOTIONAL_DYSREGULATION,
        @JsonProperty("interpersonal_conflict")
        INTERPERSONAL_CONFLICT,
        @JsonProperty("other")
        OTHER
    }

    /** How urgent. HIGH and IMMINENT alerts are never suppressed, snoozed or resolved automatically. */
    enum Severity {
        @JsonProperty("low")
        LOW,
        @JsonProperty("moderate")
        MODERATE,
        @JsonProperty("high")
        HIGH,
        @JsonProperty("imminent")
        IMMINENT
    }

    /** Where an alert came from. */
    enum Source {
        /** The client's discreet help button. */
        @JsonProperty("help_button")
        HELP_BUTTON,
        /** A clinician flagged distress they observed. */
        @JsonProperty("clinician_flag")
        CLINICIAN_FLAG,
        /** A client tried to join a session that requires a check-in without one. */
        @JsonProperty("check_in_missing")
        CHECK_IN_MISSING,
        /** A client declined to confirm their location. */
        @JsonProperty("check_in_declined")
        CHECK_IN_DECLINED,
        /** Clients were left in a session without a facilitator connected. */
        @JsonProperty("coverage")
        COVERAGE,
        /** A program's own system (a screening tool, remote monitoring) raised it through the server API. */
        @JsonProperty("external")
        EXTERNAL
    }

    /** The lifecycle: raised → acknowledged → engaged → (emergency dispatched) → resolved → follow-up due → closed. */
    enum State {
        @JsonProperty("raised")
        RAISED,
        @JsonProperty("acknowledged")
        ACKNOWLEDGED,
        @JsonProperty("engaged")
        ENGAGED,
        @JsonProperty("emergency_dispatched")
        EMERGENCY_DISPATCHED,
        @JsonProperty("resolved")
        RESOLVED,
        @JsonProperty("follow_up_due")
        FOLLOW_UP_DUE,
        @JsonProperty("closed")
        CLOSED;

        /** Whether someone still has to act on the alert (not yet resolved). */
        public boolean isOpen() {
            return this == RAISED || this == ACKNOWLEDGED || this == ENGAGED || this == EMERGENCY_DISPATCHED;
        }
    }

    /** Something a responder did for the client, recorded on the alert once per key. */
    enum ActionType {
        @JsonProperty("paused_group")
        PAUSED_GROUP,
        @JsonProperty("moved_to_breakout")
        MOVED_TO_BREAKOUT,
        @JsonProperty("grounding_exercise")
        GROUNDING_EXERCISE,
        @JsonProperty("called_emergency_contact")
        CALLED_EMERGENCY_CONTACT,
        @JsonProperty("contacted_988")
        CONTACTED_988,
        @JsonProperty("dispatched_emergency_services")
        DISPATCHED_EMERGENCY_SERVICES,
        @JsonProperty("note")
        NOTE
    }

    /** How an alert was resolved. */
    enum Outcome {
        @JsonProperty("stabilized")
        STABILIZED,
        @JsonProperty("safety_plan_reviewed")
        SAFETY_PLAN_REVIEWED,
        @JsonProperty("referred_to_higher_care")
        REFERRED_TO_HIGHER_CARE,
        @JsonProperty("emergency_services_involved")
        EMERGENCY_SERVICES_INVOLVED,
        @JsonProperty("no_risk_found")
        NO_RISK_FOUND,
        @JsonProperty("checked_in")
        CHECKED_IN,
        @JsonProperty("other")
        OTHER
    }

    /**
     * The escalation tiers, in order: who an alert reaches. {@link View#tier()} is the last tier an
     * alert has reached, in its wire form.
     */
    enum Tier {
        /** The clinicians granted the alert's room (its facilitators). */
        FACILITATORS,
        /** The organisation's clinicians whose presence is on call. */
        ON_CALL,
        /** The organisation's supervisors. */
        SUPERVISORS;

        /** The tier as it appears on the wire ({@code facilitators}, {@code on_call}, {@code supervisors}). */
        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What one line of an alert's history records ({@link HistoryEntry#event()}, in its wire form).
     * Every line the server writes is one of these; docs/protocol.md says what each means.
     */
    enum HistoryEvent {
        /** The alert was raised; the detail is its source. */
        RAISED,
        /** Another raise joined the open alert; the detail is that raise's severity. */
        PRESSED_AGAIN,
        /** A clinician flagged the client while the alert was open; the detail is the severity. */
        FLAGGED,
        /** A tier was added or notified again; the detail is why, and the tier now. */
        ESCALATED,
        /** No responder the alert has reached is connected: it is marked undelivered. */
        UNDELIVERED,
        /** A responder it has reached is connected again: no longer undelivered. */
        DELIVERED,
        /** A part of the client's care record missing at the raise was found and added. */
        CARE_UPDATED,
        /**
         * The client's known risk raised the severity of their press to its floor; the detail is
         * the severity before and after, and the risk level.
         */
        RISK_FLOOR,
        /** The client's last connection ended while the alert was open. */
        CLIENT_DISCONNECTED,
        /** A responder acknowledged the alert. */
        ACKNOWLEDGED,
        /** The responder who acknowledged it engaged. */
        ENGAGED,
        /** Acknowledged but not engaged in time: raised again. */
        ENGAGEMENT_TIMEOUT,
        /** An action was recorded; the detail is its type. */
        ACTION,
        /** The alert was resolved; the detail is the outcome. */
        RESOLVED,
        /** The follow-up of the resolved alert fell due. */
        FOLLOW_UP_DUE,
        /** The follow-up was recorded: closed. */
        CLOSED,
        /** A low-severity check-in alert closed itself when the client checked in. */
        AUTO_CLOSED;

        /** The event as it appears on the wire, e.g. {@code pressed_again}. */
        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An action recorded on an alert. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Action(ActionType type, String key, String by, Instant at, String note) {}

    /** One line of an alert's history: when, who ({@code system} for the server), which {@link HistoryEvent}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HistoryEntry(Instant at, String by, String event, String detail) {}

    /**
     * Everything a responder needs to act: who, where (the session's check-in), whom to call
     * (emergency contacts), the client's safety plan and assessed risk, and what has happened so
     * far. {@code version}
     * grows with every change; a responder's client confirms each version it receives.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(
            String id,
            long version,
            String client,
            String clientName,
            String room,
            Source source,
            Kind kind,
            Severity severity,
            State state,
            int presses,
            Instant raisedAt,
            Instant updatedAt,
            String tier,
            boolean undelivered,
            String acknowledgedBy,
            String engagedBy,
            Instant followUpDueAt,
            Care.CheckIn checkIn,
            List<Care.EmergencyContact> emergencyContacts,
            Care.SafetyPlan safetyPlan,
            Care.Risk risk,
            List<Action> actions,
            List<HistoryEntry> history) {}
}
