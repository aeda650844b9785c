package org.haven.loadtest.scenario;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    /** From the raise's due time to the server's stamp on the alert (its raisedAt), where the target stamps it. */
    private final Recorder toServer = new Recorder(3);
    /** From the server's stamp to the clinician's receipt. */
    private final Recorder fromServer = new Recorder(3);

    private final LongAdder received = new LongAdder();
    private final LongAdder otherNotices = new LongAdder();
    private final LongAdder unexpected = new LongAdder();

    /** How many of the slowest alerts are kept, with when they were raised, to set beside GC and safepoint logs. */
    static final int SLOWEST_KEPT = 5;

    private record Slow(long micros, long intendedNanos, long stampedNanos) {}

    private final List<Slow> slowest = new ArrayList<>();
    private final long wallMillisAtStart = System.currentTimeMillis();
    private final long nanosAtStart = System.nanoTime();

    AlertBoard(int alerts) {
        this.allNoticed = new CountDownLatch(alerts);
    }

    /** Raisers of the warm-up's alerts: their notices are expected, and not measured. */
    private final Set<String> warmup = ConcurrentHashMap.newKeySet();

    /** {@code raiser} raises an alert in the warm-up, not measured. */
    void warmingUp(String raiser) {
        warmup.add(raiser);
    }

    /** Records when {@code raiser}'s alert is due, before it is raised. */
    void scheduled(String raiser, long intendedNanos) {
        Raised raised = new Raised();
        raised.intendedNanos = intendedNanos;
        byRaiser.put(raiser, raised);
    }

    @Override
    public void alertNoticed(WirePeer receiver, String raiser, boolean first, long receivedNanos, long stampedNanos) {
        if (!first) {
            otherNotices.increment();
            return;
        }
        Raised raised = byRaiser.get(raiser);
        if (raised == null && warmup.contains(raiser)) {
            return; // a warm-up alert
        }
        if (raised == null || !raised.noticed.compareAndSet(false, true)) {
            unexpected.increment();
            return;
        }
        long micros = Math.max(0, (receivedNanos - raised.intendedNanos) / 1000);
        latency.recordValue(micros);
        if (stampedNanos != NOT_STAMPED) {
            toServer.recordValue(Math.max(0, (stampedNanos - raised.intendedNanos) / 1000));
            fromServer.recordValue(Math.max(0, (receivedNanos - stampedNanos) / 1000));
        }
        keepIfSlowest(new Slow(micros, raised.intendedNanos, stampedNanos));
        received.increment();
        allNoticed.countDown();
    }

    /** Waits until every scheduled alert was noticed, or until {@code deadlineNanos}. */
    boolean awaitAll(long deadlineNanos) throws InterruptedException {
        return allNoticed.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private synchronized void keepIfSlowest(Slow alert) {
        if (slowest.size() == SLOWEST_KEPT && slowest.get(SLOWEST_KEPT - 1).micros() >= alert.micros()) {
            return;
        }
        slowest.add(alert);
        slowest.sort(Comparator.comparingLong(Slow::micros).reversed());
        if (slowest.size() > SLOWEST_KEPT) {
            slowest.remove(SLOWEST_KEPT);
        }
    }

    /**
     * The slowest alerts, slowest first: when each was due to be raised (UTC, ms), its latency and,
     * where the server stamps alerts, how much of it came before the stamp.
     */
    synchronized String slowest() {
        StringBuilder out = new StringBuilder();
        for (Slow s : slowest) {
            Instant at = Instant.ofEpochMilli(wallMillisAtStart + (s.intendedNanos() - nanosAtStart) / 1_000_000);
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%s %.1f ms",
                    DateTimeFormatter.ISO_LOCAL_TIME.format(at.atOffset(ZoneOffset.UTC)),
                    s.micros() / 1000.0));
            if (s.stampedNanos() != NOT_STAMPED) {
                out.append(String.format(
                        Locale.ROOT, " (%.1f to the stamp)", (s.stampedNanos() - s.intendedNanos()) / 1e6));
            }
        }
        return out.toString();
    }

    /** The two legs of each alert's way where the server stamped it: to the stamp, and from it to the clinician. */
    Histogram[] legsMicros() {
        return new Histogram[] {toServer.getIntervalHistogram(), fromServer.getIntervalHistogram()};
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
