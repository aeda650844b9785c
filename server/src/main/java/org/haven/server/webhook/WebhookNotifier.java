package org.haven.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each published {@link WebhookEvent} as a signed JSON POST to every configured receiver, off
 * the caller's thread: {@link #publish} never blocks, so event loops may call it.
 *
 * <p>Guarantees: at most {@link WebhookSettings#maxQueued()} deliveries (one per event and
 * receiver) are pending at once, and one that would exceed it is refused and counted in
 * {@link #dropped()}; a delivery is done on a 2xx answer, and anything else is retried with a
 * backoff doubling from {@link WebhookSettings#firstBackoff()} to {@link WebhookSettings#maxBackoff()}
 * until {@link WebhookSettings#maxAttempts()}; every attempt is signed afresh (see
 * {@link WebhookSignature}) under the same delivery id. Logs carry opaque ids and receiver hosts,
 * never a body or a full URL.
 *
 * <p>Requests in flight are bounded by the queue alone, with no smaller cap shared by all receivers:
 * a receiver that hangs until the timeout must not hold back another receiver's alerts.
 */
public final class WebhookNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final WebhookSettings settings;
    private final Clock clock;
    private final byte[] secret;
    private final ObjectMapper json = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    /** Completed when a request has been answered and settled; close() waits for these. */
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

    private final Object closing = new Object();
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    /** Null when webhooks are disabled; then neither is ever used. */
    private final @Nullable ScheduledExecutorService executor;

    private final @Nullable HttpClient http;
    private volatile boolean closed;

    /** One event on its way to one receiver; the id stays the same across attempts. */
    private record Delivery(WebhookEvent event, URI url, byte[] body, String id, int attempts) {
        Delivery next() {
            return new Delivery(event, url, body, id, attempts + 1);
        }
    }

    public WebhookNotifier(WebhookSettings settings, Clock clock, NodeThreads threads) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.secret = settings.enabled()
                ? Objects.requireNonNull(settings.secret(), "validated: enabled settings have a secret")
                        .getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        // Disabled: no threads at all. Enabled: two threads of our own send, back off and run the HTTP
        // client's callbacks, so no request work ever lands on a caller's thread (an event loop).
        ScheduledExecutorService pool = settings.enabled() ? threads.pool("webhook", 2) : null;
        this.executor = pool;
        this.http = pool != null
                ? HttpClient.newBuilder()
                        .executor(pool)
                        .connectTimeout(settings.requestTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()
                : null;
    }

    /** Queues {@code event} for every receiver and returns at once; a no-op when webhooks are disabled. */
    public void publish(WebhookEvent event) {
        Objects.requireNonNull(event, "event");
        if (!settings.enabled()) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            // Not expected for strings and an instant. The class only: the message could quote the event.
            log.error("webhook not serialised ({}) alertId={}", e.getClass().getName(), event.alertId());
            return;
        }
        for (URI url : settings.urls()) {
            if (closed || !reserve()) {
                dropped.increment();
                log.warn(
                        "webhook dropped ({}) alertId={} event={} host={}",
                        closed ? "notifier closed" : "queue full",
                        event.alertId(),
                        event.event(),
                        url.getHost());
                continue;
            }
            Delivery d = new Delivery(event, url, body, UUID.randomUUID().toString(), 1);
            later(() -> send(d), Duration.ZERO);
        }
    }

    /** Deliveries answered with 2xx. */
    public long delivered() {
        return delivered.sum();
    }

    /** Retries scheduled after a failed attempt. */
    public long retried() {
        return retried.sum();
    }

    /** Deliveries given up after {@link WebhookSettings#maxAttempts()} attempts. */
    public long failed() {
        return failed.sum();
    }

    /** Deliveries refused because the queue was full or the notifier closed. */
    public long dropped() {
        return dropped.sum();
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
            if (closed || !settings.enabled()) {
                return;
            }
            closed = true;
            waiting = inFlight.toArray(new CompletableFuture<?>[0]);
        }
        // The markers complete normally (see send), so this waits at most the grace and never throws.
        CompletableFuture.allOf(waiting)
                .completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        Objects.requireNonNull(executor, "enabled: has an executor").shutdownNow();
        if (pending.get() > 0) {
            log.warn("webhook notifier closed with {} deliveries unsent", pending.get());
        }
    }

    private boolean reserve() {
        int max = settings.maxQueued();
        return pending.getAndUpdate(n -> n < max ? n + 1 : n) < max;
    }

    /** Runs on the executor; the lock lets close() see every request that was started. */
    private void send(Delivery d) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (closing) {
            if (closed) {
                return; // left pending; close() reports it
            }
            inFlight.add(done);
        }
        CompletableFuture<HttpResponse<Void>> response;
        try {
            response = Objects.requireNonNull(http, "enabled: has a client")
                    .sendAsync(request(d), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((r, e) -> {
            try {
                settle(d, r, e);
            } finally {
                inFlight.remove(done);
                done.complete(null);
            }
        });
    }

    private HttpRequest request(Delivery d) {
        // Signed at each attempt, so a retry after a long backoff is still within the receiver's tolerance.
        long now = clock.instant().getEpochSecond();
        return HttpRequest.newBuilder(d.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, now, d.body()))
                .header(WebhookSignature.EVENT_HEADER, d.event().event())
                .header(WebhookSignature.DELIVERY_HEADER, d.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                .build();
    }

    private void settle(Delivery d, HttpResponse<Void> response, Throwable error) {
        if (error == null && response.statusCode() / 100 == 2) {
            pending.decrementAndGet();
            delivered.increment();
            return;
        }
        // A status or an exception class: exception messages can quote the full URL.
        String outcome = error == null
                ? "status " + response.statusCode()
                : unwrap(error).getClass().getSimpleName();
        if (d.attempts() >= settings.maxAttempts()) {
            pending.decrementAndGet();
            failed.increment();
            log.warn(
                    "webhook failed after {} attempts ({}) alertId={} event={} host={} delivery={}",
                    d.attempts(),
                    outcome,
                    d.event().alertId(),
                    d.event().event(),
                    d.url().getHost(),
                    d.id());
            return;
        }
        if (closed) {
            return;
        }
        Duration wait = backoff(d.attempts());
        retried.increment();
        log.debug(
                "webhook retry in {} ({}) alertId={} event={} host={} delivery={}",
                wait,
                outcome,
                d.event().alertId(),
                d.event().event(),
                d.url().getHost(),
                d.id());
        later(() -> send(d.next()), wait);
    }

    private void later(Runnable task, Duration delay) {
        try {
            Objects.requireNonNull(executor, "enabled: has an executor")
                    .schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: the delivery stays pending and close() reports it.
        }
    }

    /** The wait after {@code attempts} failed attempts: first backoff, doubled each time, capped. */
    private Duration backoff(int attempts) {
        Duration wait = settings.firstBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
