package org.haven.loadtest.scenario;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;

/**
 * The alerts of a run and when each reached a clinician: one alert per raising user (a user has at
 * most one open alert), correlated by the raiser's user id, which every target's notice carries.
 * Latency runs from the time the alert was scheduled to be raised to the first notice of it.
 */
final class AlertBoard implements PeerEvents {

    private static final class Raised {
        volatile long intendedNanos;
        final AtomicBoolean noticed = new AtomicBoolean();
    }

    private final Map<String, Raised> byRaiser = new ConcurrentHashMap<>();
    private final CountDownLatch allNoticed;
    private final Recorder latency = new Recorder(3);
    private final LongAdder received = new LongAdder();
    private final LongAdder otherNotices = new LongAdder();
    private final LongAdder unexpected = new LongAdder();

    AlertBoard(int alerts) {
        this.allNoticed = new CountDownLatch(alerts);
    }

    /** Records when {@code raiser}'s alert is due, before it is raised. */
    void scheduled(String raiser, long intendedNanos) {
        Raised raised = new Raised();
        raised.intendedNanos = intendedNanos;
        byRaiser.put(raiser, raised);
    }

    @Override
    public void alertNoticed(WirePeer receiver, String raiser, boolean first, long receivedNanos) {
        if (!first) {
            otherNotices.increment();
            return;
        }
        Raised raised = byRaiser.get(raiser);
        if (raised == null || !raised.noticed.compareAndSet(false, true)) {
            unexpected.increment();
            return;
        }
        latency.recordValue(Math.max(0, (receivedNanos - raised.intendedNanos) / 1000));
        received.increment();
        allNoticed.countDown();
    }

    /** Waits until every scheduled alert was noticed, or until {@code deadlineNanos}. */
    boolean awaitAll(long deadlineNanos) throws InterruptedException {
        return allNoticed.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    Histogram latencyMicros() {
        return latency.getIntervalHistogram();
    }

    long received() {
        return received.sum();
    }

    long otherNotices() {
        return otherNotices.sum();
    }

    long unexpected() {
        return unexpected.sum();
    }
}
