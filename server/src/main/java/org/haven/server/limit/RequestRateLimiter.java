package org.haven.server.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * A token bucket per key (a connection id): {@code perSecond} requests a second on average, bursts
 * up to {@code burst}. Buckets live in a Caffeine cache that forgets idle keys; time comes from an
 * injected {@link Ticker}, so the limiter is tested without sleeping.
 *
 * <p>A request over the limit is {@link Decision#LIMITED}; a key that keeps sending while limited,
 * {@code floodRefusals} refusals without a pause long enough to earn a token, is
 * {@link Decision#FLOOD}.
 */
public final class RequestRateLimiter {

    /** What to do with one request. */
    public enum Decision { ALLOWED, LIMITED, FLOOD }

    private final double tokensPerNano;
    private final int burst;
    private final int floodRefusals;
    private final Ticker ticker;
    private final Cache<String, Bucket> buckets;

    public RequestRateLimiter(int perSecond, int burst, int floodRefusals, Ticker ticker) {
        if (perSecond <= 0 || burst < 1 || floodRefusals < 1) {
            throw new IllegalArgumentException("perSecond: " + perSecond + ", burst: " + burst + ", floodRefusals: "
                    + floodRefusals + " (expected: all > 0)");
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.floodRefusals = floodRefusals;
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterAccess(Duration.ofMinutes(5))
                .build();
    }

    /** Takes one token for {@code key}. */
    public Decision acquire(String key) {
        Bucket bucket = buckets.get(key, k -> new Bucket(burst, ticker.read()));
        synchronized (bucket) {
            long now = ticker.read();
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.last) * tokensPerNano);
            bucket.last = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                bucket.refusals = 0;
                return Decision.ALLOWED;
            }
            bucket.refusals++;
            return bucket.refusals >= floodRefusals ? Decision.FLOOD : Decision.LIMITED;
        }
    }

    /** Drops the bucket of a closed connection. */
    public void forget(String key) {
        buckets.invalidate(key);
    }

    private static final class Bucket {
        double tokens;
        long last;
        int refusals;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }
}
