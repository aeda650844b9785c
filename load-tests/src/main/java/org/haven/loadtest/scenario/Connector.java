package org.haven.loadtest.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.haven.loadtest.wire.WirePeer;

/**
 * Opens many generator connections: each connects, completes the WebSocket handshake,
 * authenticates, then does whatever else the scenario asks (enter a room), with at most
 * {@code concurrency} in progress at once. Paced at a fixed rate, each connection's latency is
 * measured from the time it was scheduled to start (so a generator or server that falls behind
 * shows as latency, not as a lower rate hidden from the figures); unpaced, from when it started.
 */
final class Connector {

    private static final int FAILURES_KEPT = 3;

    /**
     * What connecting did.
     *
     * @param seconds from the first start to the last connection ready
     * @param latencyMicros per ready connection, from its scheduled (or actual) start to ready
     */
    record Outcome(
            int attempted, int ready, int failed, double seconds, Histogram latencyMicros, List<String> failures) {

        double perSecond() {
            return seconds > 0 ? ready / seconds : 0;
        }
    }

    private final Run run;
    private final int concurrency;
    private final double perSecond;

    /** @param perSecond starts per second; 0 starts as fast as {@code concurrency} allows */
    Connector(Run run, int concurrency, double perSecond) {
        this.run = run;
        this.concurrency = concurrency;
        this.perSecond = perSecond;
    }

    /**
     * Connects {@code peers} (their source addresses chosen from {@code firstIndex} on), each then
     * doing {@code then}; returns once every attempt has ended or the run's deadline has passed.
     */
    Outcome connect(List<? extends WirePeer> peers, int firstIndex, Function<WirePeer, CompletableFuture<Void>> then)
            throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(peers.size());
        Recorder latency = new Recorder(3);
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastReady = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        int attempted = 0;
        for (int i = 0; i < peers.size(); i++) {
            long scheduled = perSecond > 0 ? start + (long) (i * 1e9 / perSecond) : 0;
            waitUntil(scheduled);
            long left = run.deadlineNanos - System.nanoTime();
            if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            long from = perSecond > 0 ? scheduled : System.nanoTime();
            WirePeer peer = peers.get(i);
            attempted++;
            run.generator
                    .connect(run.endpoint(firstIndex + i), peer, firstIndex + i, Run.CONNECT_TIMEOUT)
                    .thenCompose(v -> peer.authenticate())
                    .thenCompose(v -> then.apply(peer))
                    .orTimeout(Run.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((v, e) -> {
                        long now = System.nanoTime();
                        if (e == null) {
                            latency.recordValue(Math.max(0, (now - from) / 1000));
                            ready.incrementAndGet();
                            lastReady.accumulateAndGet(now, Math::max);
                        } else {
                            failed.incrementAndGet();
                            if (failures.size() < FAILURES_KEPT) {
                                failures.add(describe(e));
                            }
                            peer.abort();
                        }
                        slots.release();
                        done.countDown();
                    });
        }
        for (int i = attempted; i < peers.size(); i++) {
            done.countDown();
        }
        done.await(Math.max(0, run.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        double seconds = lastReady.get() > 0 ? (lastReady.get() - start) / 1e9 : 0;
        return new Outcome(
                attempted, ready.get(), failed.get(), seconds, latency.getIntervalHistogram(), List.copyOf(failures));
    }

    private static void waitUntil(long nanos) {
        for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null
                && cause.getCause() != cause
                && (cause instanceof CompletionException || cause.getMessage() == null)) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within " + Run.CONNECT_TIMEOUT.toSeconds() + " s";
        }
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }
}
