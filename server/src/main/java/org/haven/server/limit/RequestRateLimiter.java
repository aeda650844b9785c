package org.haven.server.limit;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Token buckets, one per connection: {@code perSecond} requests a second on average, bursts up to
 * {@code burst}. Each connection holds its own {@link Bucket} (made by {@link #bucket()}), so
 * taking a token touches nothing shared and a closed connection's bucket goes with it; no map to
 * clean up on the event loop. Time comes from an injected {@link Ticker}, so the limiter is tested
 * without sleeping.
 *
 * <p>A request over the limit is {@link Decision#LIMITED}; a connection that keeps sending while
 * limited, {@code floodRefusals} refusals without a pause long enough to earn a token, is
 * {@link Decision#FLOOD}.
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
        private int refusals;

        private Bucket(RequestRateLimiter limits) {
            this.limits = limits;
            this.tokens = limits.burst;
            this.last = limits.ticker.read();
        }

        /** Takes one token. */
        public synchronized Decision acquire() {
            long now = limits.ticker.read();
            tokens = Math.min(limits.burst, tokens + (now - last) * limits.tokensPerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                refusals = 0;
                return Decision.ALLOWED;
            }
            refusals++;
            return refusals >= limits.floodRefusals ? Decision.FLOOD : Decision.LIMITED;
        }
    }
}
