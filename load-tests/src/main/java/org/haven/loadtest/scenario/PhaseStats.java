package org.haven.loadtest.scenario;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The counts and latencies of one {@link Phase}: posts sent, deliveries expected (each post times
 * its room's readers), deliveries counted, refusals, and the latency of every delivery from the
 * time its post was scheduled, at microsecond resolution.
 */
final class PhaseStats {

    final Phase phase;
    final LongAdder posts = new LongAdder();
    final LongAdder expected = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder refused = new LongAdder();
    private final ThreadRecorder recorder = new ThreadRecorder(3);
    private final Histogram latencies = new Histogram(3);
    /** The same latencies by the second of the phase in which their post was due. */
    private final ThreadRecorder[] bySecond;

    PhaseStats(Phase phase) {
        this.phase = phase;
        bySecond = new ThreadRecorder[Math.max(1, (int) Math.ceil(phase.seconds()))];
        for (int i = 0; i < bySecond.length; i++) {
            bySecond[i] = new ThreadRecorder(2);
        }
    }

    void record(long latencyNanos, long intendedNanos) {
        long micros = Math.max(0, latencyNanos / 1000);
        recorder.record(micros);
        int second =
                (int) Math.min(bySecond.length - 1, Math.max(0, (intendedNanos - phase.startNanos()) / 1_000_000_000L));
        bySecond[second].record(micros);
        delivered.increment();
    }

    /** The p99 of each second of the phase, in milliseconds (where one-off spikes went). */
    String p99BySecond() {
        StringBuilder out = new StringBuilder();
        for (ThreadRecorder r : bySecond) {
            Histogram h = r.intervalHistogram();
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(h.getTotalCount() == 0 ? "-" : Long.toString(Math.round(h.getValueAtPercentile(99) / 1000.0)));
        }
        return out.toString();
    }

    /** Every latency recorded so far, in microseconds (a copy). */
    synchronized Histogram latencyMicros() {
        latencies.add(recorder.intervalHistogram());
        return latencies.copy();
    }

    /** Deliveries expected but not (yet) counted. */
    long missing() {
        return Math.max(0, expected.sum() - delivered.sum());
    }

    double deliveredPerSecond() {
        return delivered.sum() / phase.seconds();
    }
}
