package org.haven.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RampTest {

    @Test
    void oneMissedStepDoesNotEndTheRamp() {
        assertThat(Ramp.endsAfter(List.of(true, false))).isFalse();
        assertThat(Ramp.endsAfter(List.of(false))).isFalse();
        assertThat(Ramp.endsAfter(List.of(true, false, true, false))).isFalse();
    }

    @Test
    void twoMissedStepsInARowEndIt() {
        assertThat(Ramp.endsAfter(List.of(true, false, false))).isTrue();
        assertThat(Ramp.endsAfter(List.of(false, false))).isTrue();
    }

    @Test
    void stepsThatMeetTheBarGoOn() {
        assertThat(Ramp.endsAfter(List.of())).isFalse();
        assertThat(Ramp.endsAfter(List.of(true, true, true))).isFalse();
    }
}
