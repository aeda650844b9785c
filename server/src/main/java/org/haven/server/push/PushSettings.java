package org.haven.server.push;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How pages are sent to push services: immutable, validated when built, with an error that names
 * the setting.
 *
 * @param maxPending     deliveries accepted but not yet finished (waiting, in flight or backing off)
 *                       beyond which new ones are refused
 * @param maxAttempts    attempts per delivery, the first one included
 * @param firstBackoff   the wait before the first retry; it doubles with each further retry
 * @param maxBackoff     the longest wait between retries, also the most a {@code Retry-After} is
 *                       followed
 * @param requestTimeout how long one attempt may take, connecting included
 * @param ttl            how long a push service keeps a page for a browser that is offline, unless
 *                       the delivery says otherwise (RFC 8030 §5.2)
 */
public record PushSettings(
        int maxPending,
        int maxAttempts,
        Duration firstBackoff,
        Duration maxBackoff,
        Duration requestTimeout,
        Duration ttl) {

    public static final int DEFAULT_MAX_PENDING = 1000;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Short on purpose: a page shown an hour late, to a clinician whose phone was off, is about an
     * alert that has long been escalated or resolved.
     */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /** The longest TTL push services keep a message for (FCM: 4 weeks). */
    static final Duration MAX_TTL = Duration.ofDays(28);

    public PushSettings {
        check(maxPending > 0, "maxPending", maxPending, "> 0");
        check(maxAttempts > 0, "maxAttempts", maxAttempts, "> 0");
        positive(firstBackoff, "firstBackoff");
        positive(maxBackoff, "maxBackoff");
        check(
                maxBackoff.compareTo(firstBackoff) >= 0,
                "maxBackoff",
                maxBackoff,
                ">= firstBackoff (" + firstBackoff + ")");
        positive(requestTimeout, "requestTimeout");
        checkTtl(ttl, "ttl");
    }

    /** The defaults above. */
    public static PushSettings defaults() {
        return new PushSettings(
                DEFAULT_MAX_PENDING,
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_FIRST_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_TTL);
    }

    /** A TTL is whole seconds on the wire, from 0 (deliver now or never) to {@link #MAX_TTL}. */
    static void checkTtl(@Nullable Duration ttl, String name) {
        check(ttl != null && !ttl.isNegative() && ttl.compareTo(MAX_TTL) <= 0, name, ttl, ">= 0 and <= " + MAX_TTL);
    }

    private static void positive(@Nullable Duration d, String name) {
        check(d != null && !d.isNegative() && !d.isZero(), name, d, "> 0");
    }

    private static void check(boolean ok, String name, @Nullable Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
        }
    }
}
