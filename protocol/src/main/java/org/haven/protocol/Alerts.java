package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

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
        COVERAGE
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

    /** An action recorded on an alert. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Action(ActionType type, String key, String by, Instant at, String note) {}

    /** One line of an alert's history. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HistoryEntry(Instant at, String by, String event, String detail) {}

    /**
     * Everything a responder needs to act: who, where (the session's check-in), whom to call
     * (emergency contacts), the client's safety plan, and what has happened so far. {@code version}
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
            List<Action> actions,
            List<HistoryEntry> history) {}
}
