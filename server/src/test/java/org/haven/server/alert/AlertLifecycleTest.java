package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.junit.jupiter.api.Test;

/**
 * Every step of the alert lifecycle from every state: the legal ones give the documented next
 * state and history line, every other one is refused {@code illegal_transition} and changes nothing.
 * Pure functions: no thread, no clock, no store.
 */
class AlertLifecycleTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final EscalationPolicy POLICY = EscalationPolicy.defaults();

    /** A status in {@code state}, acknowledged by dr-bo where that state implies it. */
    private static AlertLifecycle.Status in(State state) {
        String ackBy = state == State.RAISED ? null : "dr-bo";
        return new AlertLifecycle.Status(
                state, ackBy, null, null, NOW.plusSeconds(60), NOW.plusSeconds(300), NOW.plusSeconds(3600));
    }

    /** The steps a responder or the system can take, by name. */
    private static final Map<String, Function<AlertLifecycle.Status, AlertLifecycle.Transition>> STEPS = Map.of(
            "acknowledge", s -> AlertLifecycle.acknowledge(s, POLICY, "dr-cy", NOW),
            "engage", s -> AlertLifecycle.engage(s, "dr-bo"),
            "resolve", s -> AlertLifecycle.resolve(s, POLICY, "dr-bo", Alerts.Outcome.STABILIZED, NOW),
            "followUp", s -> AlertLifecycle.followUp(s, "dr-bo"),
            "checkedIn", AlertLifecycle::checkedIn,
            "engagementTimedOut", AlertLifecycle::engagementTimedOut,
            "followUpDue", AlertLifecycle::followUpDue,
            "dispatch", s -> AlertLifecycle.action(s, Alerts.ActionType.DISPATCHED_EMERGENCY_SERVICES, "dr-bo"),
            "note", s -> AlertLifecycle.action(s, Alerts.ActionType.NOTE, "dr-bo"));

    /** From which states each step is legal, and the state it leads to (null: unchanged). */
    private static final Map<String, Map<State, State>> LEGAL = Map.of(
            "acknowledge", Map.of(State.RAISED, State.ACKNOWLEDGED),
            "engage", Map.of(State.ACKNOWLEDGED, State.ENGAGED),
            "resolve", Map.of(State.ENGAGED, State.RESOLVED, State.EMERGENCY_DISPATCHED, State.RESOLVED),
            "followUp", Map.of(State.RESOLVED, State.CLOSED, State.FOLLOW_UP_DUE, State.CLOSED),
            "checkedIn", Map.of(State.RAISED, State.CLOSED),
            "engagementTimedOut", Map.of(State.ACKNOWLEDGED, State.RAISED),
            "followUpDue", Map.of(State.RESOLVED, State.FOLLOW_UP_DUE),
            "dispatch",
                    Map.of(
                            State.RAISED,
                            State.RAISED,
                            State.ACKNOWLEDGED,
                            State.EMERGENCY_DISPATCHED,
                            State.ENGAGED,
                            State.EMERGENCY_DISPATCHED,
                            State.EMERGENCY_DISPATCHED,
                            State.EMERGENCY_DISPATCHED),
            "note",
                    Map.of(
                            State.RAISED,
                            State.RAISED,
                            State.ACKNOWLEDGED,
                            State.ACKNOWLEDGED,
                            State.ENGAGED,
                            State.ENGAGED,
                            State.EMERGENCY_DISPATCHED,
                            State.EMERGENCY_DISPATCHED));

    @Test
    void everyStepFromEveryStateIsEitherTheDocumentedTransitionOrRefused() {
        assertThat(LEGAL.keySet()).isEqualTo(STEPS.keySet());
        int legal = 0;
        int refused = 0;
        for (String step : STEPS.keySet()) {
            for (State from : State.values()) {
                AlertLifecycle.Status before = in(from);
                State to = LEGAL.get(step).get(from);
                if (to != null) {
                    AlertLifecycle.Transition t = STEPS.get(step).apply(before);
                    assertThat(t.next().state()).as(step + " from " + from).isEqualTo(to);
                    assertThat(t.event()).as(step + " names its history line").isNotNull();
                    legal++;
                } else {
                    assertThatThrownBy(() -> STEPS.get(step).apply(before))
                            .as(step + " from " + from)
                            .isInstanceOfSatisfying(
                                    Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION));
                    refused++;
                }
            }
        }
        assertThat(legal + refused).isEqualTo(STEPS.size() * State.values().length);
        assertThat(legal).isEqualTo(17);
    }

    @Test
    void acknowledgingStartsTheEngagementClockAndNamesWhoAcknowledged() {
        AlertLifecycle.Transition t = AlertLifecycle.acknowledge(in(State.RAISED), POLICY, "dr-cy", NOW);
        assertThat(t.next().acknowledgedBy()).isEqualTo("dr-cy");
        assertThat(t.next().engageDeadline()).isEqualTo(NOW.plus(POLICY.engagementTimeout()));
        assertThat(t.webhook()).isEqualTo("alert.acknowledged");
        assertThat(t.by()).isEqualTo("dr-cy");
    }

    @Test
    void onlyTheClinicianWhoAcknowledgedEngages() {
        assertThatThrownBy(() -> AlertLifecycle.engage(in(State.ACKNOWLEDGED), "dr-cy"))
                .isInstanceOfSatisfying(Refusal.class, r -> {
                    assertThat(r.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
                    assertThat(r.getMessage()).contains("dr-bo");
                });
        assertThat(AlertLifecycle.engage(in(State.ACKNOWLEDGED), "dr-bo").next().engagedBy())
                .isEqualTo("dr-bo");
    }

    @Test
    void resolvingSetsTheFollowUpAndWhoResolved() {
        AlertLifecycle.Transition t =
                AlertLifecycle.resolve(in(State.ENGAGED), POLICY, "dr-bo", Alerts.Outcome.STABILIZED, NOW);
        assertThat(t.next().resolvedBy()).isEqualTo("dr-bo");
        assertThat(t.next().followUpDueAt()).isEqualTo(NOW.plus(POLICY.followUpDelay()));
        assertThat(t.detail()).isEqualTo("stabilized");
        assertThat(t.webhook()).isEqualTo("alert.resolved");
    }

    @Test
    void anEngagementTimeOutRaisesTheAlertAgainAndForgetsWhoAcknowledged() {
        AlertLifecycle.Transition t = AlertLifecycle.engagementTimedOut(in(State.ACKNOWLEDGED));
        assertThat(t.next().acknowledgedBy()).isNull();
        assertThat(t.by()).isEqualTo("system");
        assertThat(t.detail()).contains("dr-bo");
    }

    @Test
    void theClockMakesEachDeadlineDueExactlyWhenItPasses() {
        AlertLifecycle.Status raised = in(State.RAISED);
        assertThat(AlertLifecycle.due(raised, NOW.plusSeconds(59))).isEqualTo(AlertLifecycle.Due.NOTHING);
        assertThat(AlertLifecycle.due(raised, NOW.plusSeconds(60))).isEqualTo(AlertLifecycle.Due.ACKNOWLEDGEMENT);
        AlertLifecycle.Status acknowledged = in(State.ACKNOWLEDGED);
        assertThat(AlertLifecycle.due(acknowledged, NOW.plusSeconds(299))).isEqualTo(AlertLifecycle.Due.NOTHING);
        assertThat(AlertLifecycle.due(acknowledged, NOW.plusSeconds(300))).isEqualTo(AlertLifecycle.Due.ENGAGEMENT);
        AlertLifecycle.Status resolved = in(State.RESOLVED);
        assertThat(AlertLifecycle.due(resolved, NOW.plus(Duration.ofMinutes(59))))
                .isEqualTo(AlertLifecycle.Due.NOTHING);
        assertThat(AlertLifecycle.due(resolved, NOW.plusSeconds(3600))).isEqualTo(AlertLifecycle.Due.FOLLOW_UP);
        Set<State> neverDue = EnumSet.of(State.ENGAGED, State.EMERGENCY_DISPATCHED, State.FOLLOW_UP_DUE, State.CLOSED);
        for (State s : neverDue) {
            assertThat(AlertLifecycle.due(in(s), NOW.plus(Duration.ofDays(365))))
                    .as(s.name())
                    .isEqualTo(AlertLifecycle.Due.NOTHING);
        }
    }
}
