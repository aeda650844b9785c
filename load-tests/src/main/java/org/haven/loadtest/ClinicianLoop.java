package org.haven.loadtest;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ServerMessage;

/**
 * The on-call clinician's side of the alert-latency scenario, on its own thread: takes every event
 * from the clinician's {@link HavenClient} queue, confirms every alert notice (the server re-sends
 * unconfirmed ones after 5 s), and records the latency of each alert's first {@code raised} notice.
 */
final class ClinicianLoop implements Runnable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final HavenClient clinician;
    private final Map<String, AlertSlot> slotsByUser;
    private final long receiveTimeoutNanos;
    private final Consumer<AlertSlot> onReceived;
    private final CountDownLatch allNoticed;
    // Written by this loop's thread only; read after it has stopped (Thread.join orders the two).
    private final Histogram latencyMicros;
    private long lastReceiptNanos;

    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger warmupReceived = new AtomicInteger();
    private final AtomicInteger late = new AtomicInteger();
    private final AtomicInteger redelivered = new AtomicInteger();
    private final AtomicInteger otherNotices = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final AtomicInteger confirmFailures = new AtomicInteger();
    private final Set<CompletableFuture<?>> confirmsInFlight = ConcurrentHashMap.newKeySet();
    private volatile String firstConfirmFailure;
    private volatile boolean running = true;
    private volatile boolean closing;

    ClinicianLoop(
            HavenClient clinician,
            Map<String, AlertSlot> slotsByUser,
            Duration receiveTimeout,
            Consumer<AlertSlot> onReceived) {
        this.clinician = clinician;
        this.slotsByUser = slotsByUser;
        this.receiveTimeoutNanos = receiveTimeout.toNanos();
        this.onReceived = onReceived;
        this.allNoticed = new CountDownLatch(slotsByUser.size());
        this.latencyMicros = new Histogram(Math.max(2, TimeUnit.NANOSECONDS.toMicros(receiveTimeoutNanos)), 3);
    }

    @Override
    public void run() {
        try {
            while (running) {
                ServerMessage event = clinician.nextEvent(POLL);
                // Receipt is when the application takes the notice off the client's queue.
                long now = System.nanoTime();
                if (event instanceof ServerMessage.AlertNotice notice) {
                    confirm(notice);
                    onNotice(notice, now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void confirm(ServerMessage.AlertNotice notice) {
        CompletableFuture<ServerMessage.Ok> reply = clinician.request(id -> new ClientMessage.AlertConfirm(
                id, notice.alert().id(), notice.alert().version()));
        confirmsInFlight.add(reply);
        reply.whenComplete((ok, e) -> {
            confirmsInFlight.remove(reply);
            // Confirms cut off by the run's own end are not the server's failures.
            if (e != null && !closing) {
                confirmFailures.incrementAndGet();
                if (firstConfirmFailure == null) {
                    firstConfirmFailure = Failures.describe("alert.confirm", clinician, e);
                }
            }
        });
    }

    private void onNotice(ServerMessage.AlertNotice notice, long now) {
        switch (notice.reason()) {
            case RAISED -> onRaised(notice, now);
            case REDELIVERED -> redelivered.incrementAndGet();
            default -> otherNotices.incrementAndGet();
        }
    }

    private void onRaised(ServerMessage.AlertNotice notice, long now) {
        // Correlated by the raiser's user id, known before the alert was sent: the notice may
        // overtake the raiser's own reply, which carries the alert id.
        AlertSlot slot = slotsByUser.get(notice.alert().client());
        if (slot == null || !slot.isScheduled()) {
            unexpected.incrementAndGet();
            return;
        }
        if (!slot.noticed(notice.alert().id())) {
            unexpected.incrementAndGet();
            return;
        }
        long latency = now - slot.intendedNanos();
        if (!slot.measured) {
            if (latency <= receiveTimeoutNanos) {
                warmupReceived.incrementAndGet();
            }
        } else if (latency <= receiveTimeoutNanos) {
            latencyMicros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(latency)));
            received.incrementAndGet();
            lastReceiptNanos = now;
        } else {
            late.incrementAndGet();
        }
        allNoticed.countDown();
        onReceived.accept(slot);
    }

    /** Waits until every alert, warm-up included, was noticed (in time or late), or until {@code deadlineNanos}. */
    boolean awaitAll(long deadlineNanos) throws InterruptedException {
        return allNoticed.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    void stop() {
        running = false;
    }

    /**
     * Called after the loop's thread ended, before the clinician disconnects: waits (until
     * {@code deadlineNanos} at most) for the confirms still in flight, then ignores their failures.
     */
    void finishConfirms(long deadlineNanos) throws InterruptedException {
        try {
            CompletableFuture.allOf(confirmsInFlight.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Failures are already counted; what is still open after the deadline is cut off.
        }
        closing = true;
    }

    String firstConfirmFailure() {
        return firstConfirmFailure;
    }

    /** A copy of the latencies, in microseconds; call after the loop's thread has ended. */
    Histogram latencies() {
        return latencyMicros.copy();
    }

    long lastReceiptNanos() {
        return lastReceiptNanos;
    }

    int received() {
        return received.get();
    }

    int warmupReceived() {
        return warmupReceived.get();
    }

    int late() {
        return late.get();
    }

    int redelivered() {
        return redelivered.get();
    }

    int otherNotices() {
        return otherNotices.get();
    }

    int unexpected() {
        return unexpected.get();
    }

    int confirmFailures() {
        return confirmFailures.get();
    }
}
