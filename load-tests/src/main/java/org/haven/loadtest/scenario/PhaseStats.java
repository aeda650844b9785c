package org.haven.loadtest.scenario;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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
    private final Recorder recorder = new Recorder(3);
    private final Histogram latencies = new Histogram(3);
    /** The same latencies by the second of the phase in which their post was due. */
    private final Recorder[] bySecond;

    PhaseStats(Phase phase) {
        this.phase = phase;
        bySecond = new Recorder[Math.max(1, (int) Math.ceil(phase.seconds()))];
        for (int i = 0; i < bySecond.length; i++) {
            bySecond[i] = new Recorder(2);
        }
    }

    void record(long latencyNanos, long intendedNanos) {
        long micros = Math.max(0, latencyNanos / 1000);
        recorder.recordValue(micros);
        int second =
                (int) Math.min(bySecond.length - 1, Math.max(0, (intendedNanos - phase.startNanos()) / 1_000_000_000L));
        bySecond[second].recordValue(micros);
        delivered.increment();
    }

    /** The p99 of each second of the phase, in milliseconds (where one-off spikes went). */
    String p99BySecond() {
        StringBuilder out = new StringBuilder();
        for (Recorder r : bySecond) {
            Histogram h = r.getIntervalHistogram();
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(h.getTotalCount() == 0 ? "-" : Long.toString(Math.round(h.getValueAtPercentile(99) / 1000.0)));
        }
        return out.toString();
    }

    /** Every latency recorded so far, in microseconds (a copy). */
    synchronized Histogram latencyMicros() {
        latencies.add(recorder.getIntervalHistogram());
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
