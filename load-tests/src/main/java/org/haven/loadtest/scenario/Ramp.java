package org.haven.loadtest.scenario;

/**
 * How group chat ramps up to find the highest delivered rate a target sustains: steps of
 * {@code stepSeconds}, each posting {@code factor} times as often as the one before (members post
 * more often; rooms and members stay), until two steps in a row miss their bar (p99 above
 * {@code p99LimitMillis}, a delivery missing one second after the step, or a post refused), after
 * {@code maxSteps}, or once members would post more than {@code maxMemberRate} times a second.
 *
 * @param maxMemberRate posts per second per member at most, below Haven's default rate limit of 20
 *     a second, so that the ramp measures delivery and not the limiter
 * @param fine whether this is a fine ramp near the top (small factor, started a coarse step below a
 *     coarse ramp's highest sustained rate): reported as {@code group-chat-fine}, so one coarse step is not the
 *     whole answer
 */
public record Ramp(
        double stepSeconds, double factor, int maxSteps, double p99LimitMillis, double maxMemberRate, boolean fine) {

    /**
     * Steps in a row that must miss the bar to end a ramp. One is not enough on a shared machine: a
     * single stall (a JIT recompilation, a neighbour) would end the ramp a step or two early, and the
     * same code measured 47k and 107k relayed deliveries a second in two runs. A step above a missed
     * one that meets the bar shows its rate is sustained; the report counts the missed steps below.
     */
    public static final int MISSES_TO_STOP = 2;

    public Ramp {
        if (stepSeconds < 1 || factor <= 1 || maxSteps < 1 || p99LimitMillis <= 0 || maxMemberRate <= 0) {
            throw new IllegalArgumentException("ramp: step " + stepSeconds + " s, factor " + factor + ", " + maxSteps
                    + " steps, p99 limit " + p99LimitMillis + " ms, member rate " + maxMemberRate
                    + " (expected: step >= 1 s, factor > 1, steps >= 1, limit > 0, rate > 0)");
        }
    }

    /** A coarse ramp of {@code maxSteps}, as this one otherwise. */
    public Ramp(double stepSeconds, double factor, int maxSteps, double p99LimitMillis, double maxMemberRate) {
        this(stepSeconds, factor, maxSteps, p99LimitMillis, maxMemberRate, false);
    }

    /** Steps of 10 s, 1.5 times faster each, at most 10, p99 at most 50 ms, members at most 15 posts a second. */
    public static Ramp standard() {
        return new Ramp(10, 1.5, 10, 50, 15);
    }

    /**
     * The fine ramp near the top: steps of 10 s, 1.1 times faster each, at most 12, the same bar.
     * It starts a coarse step below the coarse ramp's highest sustained rate, so that a fresh server
     * is warmed at a rate it holds (started at the top itself, Haven missed its first step once
     * and then ended two steps later), and 12 steps reach past the next coarse step's rate
     * (1.1^12 / 1.5 > 2).
     */
    public static Ramp fineStandard() {
        return new Ramp(10, 1.1, 12, 50, 15, true);
    }

    /** Whether a ramp whose steps so far met their bar as {@code verdicts} says ends here. */
    public static boolean endsAfter(java.util.List<Boolean> verdicts) {
        if (verdicts.size() < MISSES_TO_STOP) {
            return false;
        }
        return verdicts.subList(verdicts.size() - MISSES_TO_STOP, verdicts.size()).stream()
                .noneMatch(v -> v);
    }
}
