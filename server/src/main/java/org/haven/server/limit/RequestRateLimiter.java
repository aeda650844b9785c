package org.haven.server.limit;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Token buckets, one per connection: {@code perSecond} requests a second on average, bursts up to
 * {@code burst}. Each connection holds its own {@link Bucket} (made by {@link #bucket()}), so
 * taking a token touches nothing shared and a closed connection's bucket goes with it; no map to
 * clean up on the event loop. Time comes from an injected {@link Ticker}, so the limiter is tested
 * without sleeping.
 *
 * <p>A request over the limit is {@link Decision#LIMITED}. Refusals add up, and are forgiven at the
 * rate the limit allows requests (a refusal a second for a limit of one a second): a connection
 * whose unforgiven refusals reach {@code floodRefusals} is {@link Decision#FLOOD}. So a client a
 * little over the limit is slowed down and never closed, and one that keeps sending far past it is
 * closed however the refusals fall between the tokens it earns.
 */
public final class RequestRateLimiter {

    /** What to do with one request. */
    public enum Decision {
        ALLOWED,
        LIMITED,
        FLOOD
    }

    private final double tokensPerNano;
    private final int burst;
    private final int floodRefusals;
    private final Ticker ticker;

    public RequestRateLimiter(int perSecond, int burst, int floodRefusals, Ticker ticker) {
        if (perSecond <= 0 || burst < 1 || floodRefusals < 1) {
            throw new IllegalArgumentException("perSecond: " + perSecond + ", burst: " + burst + ", floodRefusals: "
                    + floodRefusals + " (expected: all > 0)");
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.floodRefusals = floodRefusals;
        this.ticker = ticker;
    }

    /** A full bucket for a new connection. */
    public Bucket bucket() {
        return new Bucket(this);
    }

    /** One connection's tokens. Thread-safe; in practice taken from the connection's event loop only. */
    public static final class Bucket {
        private final RequestRateLimiter limits;
        private double tokens;
        private long last;
        /** Refusals not yet forgiven. */
        private double refusals;

        private Bucket(RequestRateLimiter limits) {
            this.limits = limits;
            this.tokens = limits.burst;
            this.last = limits.ticker.read();
        }

        /** Takes one token. */
        public synchronized Decision acquire() {
            long now = limits.ticker.read();
            double earned = (now - last) * limits.tokensPerNano;
            tokens = Math.min(limits.burst, tokens + earned);
            refusals = Math.max(0, refusals - earned);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Decision.ALLOWED;
            }
            refusals++;
            return refusals >= limits.floodRefusals ? Decision.FLOOD : Decision.LIMITED;
        }
    }
}
