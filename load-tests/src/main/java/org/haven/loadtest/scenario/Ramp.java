package org.haven.loadtest.scenario;

/**
 * How group chat ramps up to find the highest delivered rate a target sustains: steps of
 * {@code stepSeconds}, each posting {@code factor} times as often as the one before (members post
 * more often; rooms and members stay), until a step misses its bar (p99 above
 * {@code p99LimitMillis}, a delivery missing one second after the step, or a post refused), after
 * {@code maxSteps}, or once members would post more than {@code maxMemberRate} times a second.
 *
 * @param maxMemberRate posts per second per member at most, below Haven's default rate limit of 20
 *     a second, so that the ramp measures delivery and not the limiter
 */
public record Ramp(double stepSeconds, double factor, int maxSteps, double p99LimitMillis, double maxMemberRate) {

    public Ramp {
        if (stepSeconds < 1 || factor <= 1 || maxSteps < 1 || p99LimitMillis <= 0 || maxMemberRate <= 0) {
            throw new IllegalArgumentException("ramp: step " + stepSeconds + " s, factor " + factor + ", " + maxSteps
                    + " steps, p99 limit " + p99LimitMillis + " ms, member rate " + maxMemberRate
                    + " (expected: step >= 1 s, factor > 1, steps >= 1, limit > 0, rate > 0)");
        }
    }

    /** Steps of 10 s, 1.5 times faster each, at most 10, p99 at most 50 ms, members at most 15 posts a second. */
    public static Ramp standard() {
        return new Ramp(10, 1.5, 10, 50, 15);
    }
}
