package org.haven.loadtest.failover;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.haven.client.HavenClient;
import org.haven.protocol.Result;

/**
 * One user's connection that comes back by itself, as a real client's must through a failover:
 * connects to the user's home node, says {@code hello}, runs the user's setup (a check-in, a
 * presence), and is then "up". When it ends, for whatever reason (the node died, or closed it with
 * 1001 to reconnect), it starts again after a backoff of 100 ms doubling to 1 s. An attempt that
 * cannot connect at all moves on to the other node, as a client behind a load balancer would; one
 * that connects but is not set up (no answer to {@code hello} within 3 s, or closed meanwhile)
 * tries the same node again. Asynchronous throughout: nothing here blocks its caller.
 */
final class Link {

    /** What the user does on a fresh connection before it is up; completes when done. */
    interface Setup {
        CompletableFuture<?> run(HavenClient client, Result.Welcome welcome);
    }

    /** Told when a connection is up, and when it went down. */
    interface Listener {
        void up(HavenClient client);

        void down(HavenClient client);
    }

    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(3);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1000;

    final String user;
    private final String token;
    private final List<URI> urls;
    private final Setup setup;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final AtomicReference<HavenClient> up = new AtomicReference<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private volatile boolean stopped;
    private volatile HavenClient latest;
    // Changed only by the attempt in progress (one at a time).
    private int urlIndex;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;

    /** {@code urls}: the home node first, then the others to try when it cannot be reached. */
    Link(String user, String token, List<URI> urls, Setup setup, Listener listener, ScheduledExecutorService timer) {
        this.user = user;
        this.token = token;
        this.urls = List.copyOf(urls);
        this.setup = setup;
        this.listener = listener;
        this.timer = timer;
    }

    /** Makes the first attempt. */
    void start() {
        attempt();
    }

    /** The connection that is up now, or {@code null}. */
    HavenClient up() {
        return up.get();
    }

    /** Connections made (up) so far: 1 when it never had to reconnect. */
    int connections() {
        return connections.get();
    }

    int failedAttempts() {
        return failedAttempts.get();
    }

    /** No more attempts; closes the connection normally (blocks up to 2 s). */
    void stop() {
        stopped = true;
        HavenClient c = latest;
        if (c != null) {
            c.close();
        }
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        URI url = urls.get(urlIndex);
        AtomicReference<HavenClient> made = new AtomicReference<>();
        HavenClient.connect(url)
                .thenCompose(c -> {
                    made.set(c);
                    latest = c;
                    return c.hello(token)
                            .thenCompose(welcome -> setup.run(c, welcome))
                            .thenApply(done -> c);
                })
                .orTimeout(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((c, e) -> {
                    if (e != null) {
                        HavenClient half = made.get();
                        if (half != null) {
                            half.abort();
                        } else {
                            // Nothing listens there (the node is down): the other node next.
                            urlIndex = (urlIndex + 1) % urls.size();
                        }
                        failedAttempts.incrementAndGet();
                        retryLater();
                    } else {
                        becameUp(c);
                    }
                });
    }

    private void becameUp(HavenClient c) {
        if (stopped) {
            c.abort();
            return;
        }
        backoffMillis = FIRST_BACKOFF_MILLIS;
        connections.incrementAndGet();
        up.set(c);
        listener.up(c);
        c.closeFuture().whenComplete((status, e) -> {
            up.compareAndSet(c, null);
            listener.down(c);
            retryLater();
        });
    }

    private void retryLater() {
        if (stopped) {
            return;
        }
        long wait = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        try {
            timer.schedule(this::attempt, wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the run is ending
        }
    }
}
