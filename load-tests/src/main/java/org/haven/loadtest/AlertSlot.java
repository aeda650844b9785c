package org.haven.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.haven.client.HavenClient;

/**
 * One client user of the alert-latency scenario and its single alert: its connection, when the
 * alert was meant to be sent, the alert id (from whichever of the reply and the notice came first),
 * and whether the clinician received it.
 */
final class AlertSlot {

    /** The reply to {@code alert.raise} and the clinician's notice; once both are in, the user may leave. */
    private static final int PARTS = 2;

    final String user;
    final String token;
    /** {@code false} for a warm-up alert, which is sent and confirmed but not measured. */
    final boolean measured;

    final CompletableFuture<HavenClient> ready = new CompletableFuture<>();

    private volatile HavenClient client;
    private volatile long intendedNanos;
    private volatile boolean scheduled;
    private boolean noticed; // the clinician's thread only
    private volatile String failure;
    private final AtomicReference<String> alertId = new AtomicReference<>();
    private final AtomicInteger parts = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    AlertSlot(String user, String token, boolean measured) {
        this.user = user;
        this.token = token;
        this.measured = measured;
    }

    /** Connects and says hello; {@link #ready} completes with the authenticated client or the reason it failed. */
    void connect(URI url, Duration timeout) {
        HavenClient.connect(url)
                .thenCompose(c -> {
                    client = c;
                    return c.hello(token);
                })
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((welcome, e) -> {
                    if (e == null) {
                        ready.complete(client);
                    } else {
                        ready.completeExceptionally(new IllegalStateException(Failures.describe(user, client, e)));
                    }
                });
    }

    /** Sets the time the alert was scheduled for, before it is sent: latency is measured from here. */
    void scheduledAt(long nanos) {
        intendedNanos = nanos;
        scheduled = true;
    }

    boolean isScheduled() {
        return scheduled;
    }

    long intendedNanos() {
        return intendedNanos;
    }

    /**
     * Records the clinician's first {@code raised} notice of this user's alert; returns {@code false}
     * for a second one. Called only on the clinician's thread.
     */
    boolean noticed(String alert) {
        if (noticed) {
            return false;
        }
        noticed = true;
        matchAlertId(alert, "the notice");
        return true;
    }

    /** Records the alert id of the {@code alert.received} reply. */
    void replied(String alert) {
        matchAlertId(alert, "the reply");
    }

    /** Records why this user's alert cannot be counted; the first reason wins. */
    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    String failure() {
        return failure;
    }

    /** Marks one of the reply and the notice as in; {@code true} when this was the last of them. */
    boolean partDone() {
        return parts.incrementAndGet() == PARTS;
    }

    /** Closes the connection normally, once. */
    void close() {
        HavenClient c = client;
        if (c != null && closed.compareAndSet(0, 1)) {
            c.close();
        }
    }

    /** Drops the connection at once (the time limit ran out). */
    void abort() {
        HavenClient c = client;
        if (c != null && closed.compareAndSet(0, 1)) {
            c.abort();
        }
    }

    // The reply and the notice travel on different connections, so either may come first: the first
    // sets the id, the second must agree with it.
    private void matchAlertId(String alert, String from) {
        if (!alertId.compareAndSet(null, alert) && !alertId.get().equals(alert)) {
            fail(from + " names alert " + alert + " but the other said " + alertId.get());
        }
    }
}
