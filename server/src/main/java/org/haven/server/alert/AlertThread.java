package org.haven.server.alert;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread all alert state lives on ({@code haven-alerts}): every change to an alert, the
 * responders and what they confirmed runs here, one task at a time, so transitions are serialised
 * without locks. A task that fails is logged and the thread goes on; an {@link Error} in one (out of
 * memory) ends the node ({@link NodeThreads}): escalation never stops silently.
 *
 * <p>Threading: it is the alert thread; {@link #run} and {@link #schedule} from any thread.
 */
final class AlertThread implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertThread.class);

    private final ScheduledExecutorService executor;
    private final NodeThreads threads;

    AlertThread(NodeThreads threads) {
        this.threads = threads;
        this.executor = threads.scheduled("alerts");
    }

    /** Runs {@code task} on the alert thread; dropped (and logged) once the service stopped. */
    void run(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            log.warn("alert service stopped; task dropped");
        }
    }

    /** Runs {@code task} on the alert thread after {@code delay}; null when the service stopped. */
    @Nullable
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return executor.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} every {@code period}, first after one period. */
    void every(Duration period, Runnable task) {
        threads.every(executor, period, period, "alert task", task);
    }

    /** A failing task is logged and the thread goes on; an Error (out of memory) ends the node. */
    private Runnable guarded(Runnable task) {
        return threads.guarded("alert task", task);
    }

    /** Lets queued alert work finish (2 s at most), then stops the alert thread. */
    @Override
    public void close() {
        NodeThreads.stop(Duration.ofSeconds(2), executor);
    }
}
