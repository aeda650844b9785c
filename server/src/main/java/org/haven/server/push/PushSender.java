package org.haven.server.push;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each {@link PushDelivery} to its push service (RFC 8030), encrypted for the subscriber
 * (RFC 8291) and signed with the node's {@link VapidKeys}, off the caller's thread: {@link #send}
 * never blocks, so event loops may call it.
 *
 * <p>Guarantees: at most {@link PushSettings#maxPending()} deliveries are pending at once; one past
 * it is refused ({@code send} returns false) and counted in {@link #dropped()} and {@link #failed()}.
 * Before each attempt the delivery's {@code stillWanted} is asked, and a page no longer wanted ends
 * unsent ({@link #skipped()}). The answer decides the rest:
 *
 * <ul>
 *   <li>2xx: sent;
 *   <li>404 or 410: the subscription is gone; the {@code gone} callback hears it once for this
 *       delivery, and it is not retried;
 *   <li>429, 5xx, an I/O error or a timeout: retried after a backoff doubling from {@link
 *       PushSettings#firstBackoff()} to {@link PushSettings#maxBackoff()} (longer if the push service
 *       asks, with {@code Retry-After}), until {@link PushSettings#maxAttempts()}, and never past the
 *       page's TTL (a retry that could only come after it fails the page instead);
 *   <li>any other status (400, 401, 403, 413…): failed at once, since sending it again cannot help.
 * </ul>
 *
 * <p>Every request carries {@code Urgency: high} and a {@code TTL} that counts down from the
 * delivery's TTL as it waits, so a retry does not extend a page's life. Logs carry subscription ids
 * and push service hosts, never a full endpoint (a capability), a payload or a key.
 *
 * <p>Meters: see {@link PushCounters}.
 *
 * <p>Threading: {@link #send} and the accessors from any thread; attempts, the {@code stillWanted}
 * checks and the {@code gone} callback run on the sender's two threads ({@code haven-push-N}).
 */
public final class PushSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushSender.class);

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final PushSettings settings;
    private final VapidKeys vapid;
    private final Consumer<PushDelivery> gone;
    private final Clock clock;
    private final NodeThreads threads;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    /** Completed when a request has been answered and settled; close() waits for these. */
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

    private final Object closing = new Object();
    private final AtomicInteger pending = new AtomicInteger();
    private final PushCounters counts;
    private volatile boolean closed;

    /** One delivery on its way: the attempts made so far and when it was accepted (for the TTL). */
    private record Attempt(PushDelivery delivery, int attempts, Instant accepted) {
        Attempt next() {
            return new Attempt(delivery, attempts + 1, accepted);
        }
    }

    /**
     * A sender with its own two threads from {@code threads}.
     *
     * @param gone   told, on a sender thread, of a delivery whose subscription the push service says
     *               is gone (404, 410), for the store to remove it; it may be told more than once for
     *               one subscription (one per pending delivery), so removal must be idempotent
     * @param meters where the counters are registered; null for none
     */
    public PushSender(
            PushSettings settings,
            VapidKeys vapid,
            Consumer<PushDelivery> gone,
            Clock clock,
            NodeThreads threads,
            @Nullable MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.vapid = Objects.requireNonNull(vapid, "vapid");
        this.gone = Objects.requireNonNull(gone, "gone");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.threads = Objects.requireNonNull(threads, "threads");
        // Two threads of our own send, back off and run the HTTP client's callbacks, so no request
        // work ever lands on a caller's thread (an event loop).
        this.executor = threads.pool("push", 2);
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(settings.requestTimeout())
                // A redirect would carry the page, and its VAPID token, to another origin.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.counts = new PushCounters(meters, pending);
    }

    /** The sender's own threads, for work that leads to a send (reading whom to page) to run off its caller's. */
    java.util.concurrent.Executor executor() {
        return executor;
    }

    /**
     * Runs {@code work} on the sender's threads after {@code delay} (work that leads to a send, tried
     * again); returns false, and drops it, when the sender is closed.
     */
    boolean later(String what, Runnable work, Duration delay) {
        try {
            executor.schedule(threads.guarded(what, work), delay.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Queues {@code delivery} and returns at once: true if accepted, false if refused because
     * {@link PushSettings#maxPending()} deliveries are pending or the sender is closed.
     */
    public boolean send(PushDelivery delivery) {
        Objects.requireNonNull(delivery, "delivery");
        if (closed || !reserve()) {
            counts.refused.increment();
            log.warn(
                    "push refused ({}) id={} host={}",
                    closed ? "sender closed" : "queue full",
                    delivery.id(),
                    delivery.endpoint().getHost());
            return false;
        }
        later(new Attempt(delivery, 1, clock.instant()), Duration.ZERO);
        return true;
    }

    /** Deliveries a push service accepted (2xx). */
    public long sent() {
        return counts.sent.sum();
    }

    /** Deliveries not sent: refused ({@link #dropped()}), rejected by the push service, or out of attempts. */
    public long failed() {
        return counts.failed();
    }

    /** Deliveries refused by {@link #send}: the queue was full or the sender closed. */
    public long dropped() {
        return counts.refused.sum();
    }

    /** Deliveries whose subscription the push service said was gone; the callback heard each. */
    public long removed() {
        return counts.removed.sum();
    }

    /** Deliveries ended unsent because they were no longer wanted. */
    public long skipped() {
        return counts.skipped.sum();
    }

    /** Retries scheduled after an attempt that may succeed later. */
    public long retried() {
        return counts.retried.sum();
    }

    /** Deliveries accepted and not yet finished: waiting, in flight, or backing off. */
    public int pending() {
        return pending.get();
    }

    /** Stops accepting, waits up to 2 s for requests in flight, then stops; later retries are abandoned. */
    @Override
    public void close() {
        CompletableFuture<?>[] waiting;
        synchronized (closing) {
            if (closed) {
                return;
            }
            closed = true;
            waiting = inFlight.toArray(new CompletableFuture<?>[0]);
        }
        // The markers complete normally (see attempt), so this waits at most the grace and never throws.
        CompletableFuture.allOf(waiting)
                .completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        executor.shutdownNow();
        if (pending.get() > 0) {
            log.warn("push sender closed with {} deliveries unsent", pending.get());
        }
    }

    private boolean reserve() {
        int max = settings.maxPending();
        return pending.getAndUpdate(n -> n < max ? n + 1 : n) < max;
    }

    /** Runs on the executor; the lock lets close() see every request that was started. */
    private void attempt(Attempt a) {
        if (closed) {
            return; // left pending; close() reports it
        }
        if (!wanted(a.delivery())) {
            finish();
            counts.skipped.increment();
            log.debug(
                    "push skipped (no longer wanted) id={} host={}",
                    a.delivery().id(),
                    host(a));
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (closing) {
            if (closed) {
                return;
            }
            inFlight.add(done);
        }
        CompletableFuture<HttpResponse<Void>> response;
        try {
            response = http.sendAsync(request(a), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((r, e) -> {
            try {
                settle(a, r, e);
            } finally {
                inFlight.remove(done);
                done.complete(null);
            }
        });
    }

    /** When the page's TTL ends, counted from when it was accepted. */
    private Instant expiry(Attempt a) {
        PushDelivery d = a.delivery();
        return a.accepted().plus(d.ttl() != null ? d.ttl() : settings.ttl());
    }

    private boolean wanted(PushDelivery d) {
        try {
            return d.stillWanted().getAsBoolean();
        } catch (RuntimeException e) {
            // A page wrongly sent costs less than one wrongly withheld.
            log.error(
                    "push stillWanted check failed, sending anyway id={} ({})",
                    d.id(),
                    e.getClass().getName());
            return true;
        }
    }

    private HttpRequest request(Attempt a) {
        PushDelivery d = a.delivery();
        Instant now = clock.instant();
        Duration ttl = d.ttl() != null ? d.ttl() : settings.ttl();
        long ttlSeconds =
                Math.max(0, ttl.minus(Duration.between(a.accepted(), now)).toSeconds());
        HttpRequest.Builder request = HttpRequest.newBuilder(d.endpoint())
                .timeout(settings.requestTimeout())
                .header("TTL", Long.toString(ttlSeconds))
                .header("Urgency", "high")
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                // Signed at each attempt: VapidKeys reuses a token while it has an hour left.
                .header("Authorization", vapid.authorization(d.endpoint(), now));
        String topic = d.topic();
        if (topic != null) {
            request.header("Topic", topic);
        }
        // Encrypted afresh at each attempt (a new salt and key): bodies are never replayed.
        byte[] body = PushEncryption.encrypt(d.payload(), d.p256dh(), d.auth());
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private void settle(Attempt a, @Nullable HttpResponse<Void> response, @Nullable Throwable error) {
        PushDelivery d = a.delivery();
        if (response != null && error == null) {
            int status = response.statusCode();
            if (status / 100 == 2) {
                finish();
                counts.sent.increment();
                log.debug("push sent id={} host={} attempts={}", d.id(), host(a), a.attempts());
            } else if (status == 404 || status == 410) {
                finish();
                counts.removed.increment();
                log.info("push subscription gone (status {}) id={} host={}", status, d.id(), host(a));
                tellGone(d);
            } else if (status == 429 || status / 100 == 5) {
                retry(a, "status " + status, retryAfter(response));
            } else {
                fail(a, counts.rejected, "rejected (status " + status + ")");
            }
            return;
        }
        // A class, not a message: an exception's message can quote the full URL.
        Throwable cause = unwrap(Objects.requireNonNull(error, "no response: an error"));
        if (cause instanceof IOException) {
            retry(a, cause.getClass().getSimpleName(), null);
        } else {
            fail(a, counts.rejected, "not sent (" + cause.getClass().getName() + ")");
        }
    }

    private void retry(Attempt a, String outcome, @Nullable Duration asked) {
        if (a.attempts() >= settings.maxAttempts()) {
            fail(a, counts.exhausted, "failed after " + a.attempts() + " attempts (" + outcome + ")");
            return;
        }
        if (closed) {
            return; // left pending; close() reports it
        }
        Duration wait = backoff(a.attempts());
        if (asked != null && asked.compareTo(wait) > 0) {
            wait = asked; // the push service's word: asking again sooner only earns another refusal
        }
        if (!clock.instant().plus(wait).isBefore(expiry(a))) {
            fail(a, counts.exhausted, "not sent before its TTL ended (" + outcome + ")");
            return;
        }
        counts.retried.increment();
        log.debug(
                "push retry in {} ({}) id={} host={}",
                wait,
                outcome,
                a.delivery().id(),
                host(a));
        later(a.next(), wait);
    }

    private void fail(Attempt a, LongAdder reason, String what) {
        finish();
        reason.increment();
        log.warn("push {} id={} host={}", what, a.delivery().id(), host(a));
    }

    private void tellGone(PushDelivery d) {
        try {
            gone.accept(d);
        } catch (RuntimeException e) {
            log.error(
                    "push gone callback failed id={} ({})", d.id(), e.getClass().getName());
        }
    }

    private void finish() {
        pending.decrementAndGet();
    }

    private void later(Attempt a, Duration delay) {
        try {
            executor.schedule(
                    threads.guarded("push attempt id=" + a.delivery().id(), () -> attempt(a)),
                    delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: the delivery stays pending and close() reports it.
        }
    }

    /** The wait after {@code attempts} failed attempts: first backoff, doubled each time, capped. */
    Duration backoff(int attempts) {
        Duration wait = settings.firstBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /** {@code Retry-After} as seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
    private @Nullable Duration retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After").map(String::strip);
        if (value.isEmpty()) {
            return null;
        }
        String text = value.get();
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return text.length() > 9 ? settings.maxBackoff() : Duration.ofSeconds(Long.parseLong(text));
            }
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    private static String host(Attempt a) {
        return String.valueOf(a.delivery().endpoint().getHost());
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
