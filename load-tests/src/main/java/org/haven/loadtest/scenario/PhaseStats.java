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

    PhaseStats(Phase phase) {
        this.phase = phase;
    }

    void record(long latencyNanos) {
        recorder.recordValue(Math.max(0, latencyNanos / 1000));
        delivered.increment();
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
