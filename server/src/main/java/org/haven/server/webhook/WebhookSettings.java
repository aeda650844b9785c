package org.haven.server.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where and how alert webhooks are sent: immutable, validated when built, with an error that names
 * the setting. No URLs means webhooks are off, and then no secret is needed.
 *
 * @param urls           the receivers; every event is POSTed to each of them
 * @param secret         the shared HMAC secret, at least 16 bytes when {@code urls} is not empty
 * @param maxQueued      deliveries accepted but not yet finished (waiting, in flight or backing off)
 *                       beyond which new ones are refused
 * @param maxAttempts    attempts per delivery, the first one included
 * @param firstBackoff   the wait before the first retry; it doubles with each further retry
 * @param maxBackoff     the longest wait between retries
 * @param requestTimeout how long one attempt may take, connecting included
 */
public record WebhookSettings(
        List<URI> urls,
        @Nullable String secret,
        int maxQueued,
        int maxAttempts,
        Duration firstBackoff,
        Duration maxBackoff,
        Duration requestTimeout) {

    public static final int DEFAULT_MAX_QUEUED = 1000;
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final int MIN_SECRET_BYTES = 16;

    public WebhookSettings {
        urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        for (URI url : urls) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            check(
                    (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null,
                    "urls",
                    "a URL with scheme " + url.getScheme() + " and host " + url.getHost(),
                    "absolute http or https URLs");
        }
        if (!urls.isEmpty()) {
            // The length only: the secret itself must never reach an error message or a log.
            check(secret != null, "secret", "unset", "at least " + MIN_SECRET_BYTES + " bytes when urls are set");
            int bytes = Objects.requireNonNull(secret, "checked above").getBytes(StandardCharsets.UTF_8).length;
            check(
                    bytes >= MIN_SECRET_BYTES,
                    "secret",
                    "(" + bytes + " bytes)",
                    "at least " + MIN_SECRET_BYTES + " bytes when urls are set");
        }
        check(maxQueued > 0, "maxQueued", maxQueued, "> 0");
        check(maxAttempts > 0, "maxAttempts", maxAttempts, "> 0");
        positive(firstBackoff, "firstBackoff");
        positive(maxBackoff, "maxBackoff");
        check(
                maxBackoff.compareTo(firstBackoff) >= 0,
                "maxBackoff",
                maxBackoff,
                ">= firstBackoff (" + firstBackoff + ")");
        positive(requestTimeout, "requestTimeout");
    }

    /** Webhooks to {@code urls}, signed with {@code secret}, with the default queue, retries and timeout. */
    public static WebhookSettings of(List<URI> urls, @Nullable String secret) {
        return new WebhookSettings(
                urls,
                secret,
                DEFAULT_MAX_QUEUED,
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_FIRST_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** No receivers: publishing is a no-op. */
    public static WebhookSettings disabled() {
        return of(List.of(), null);
    }

    /** Whether there is anywhere to send events. */
    public boolean enabled() {
        return !urls.isEmpty();
    }

    private static void positive(Duration d, String name) {
        check(d != null && !d.isNegative() && !d.isZero(), name, d, "> 0");
    }

    private static void check(boolean ok, String name, @Nullable Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
        }
    }

    @Override
    public String toString() {
        // Hosts only: a receiver URL may carry a token in its path or query.
        return "WebhookSettings[hosts=" + urls.stream().map(URI::getHost).toList()
                + ", secret=" + (secret == null ? "unset" : "***") + ", maxQueued=" + maxQueued
                + ", maxAttempts=" + maxAttempts + ", firstBackoff=" + firstBackoff + ", maxBackoff=" + maxBackoff
                + ", requestTimeout=" + requestTimeout + "]";
    }
}
