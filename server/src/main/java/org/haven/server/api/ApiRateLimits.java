package org.haven.server.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.limit.RequestRateLimiter;

/**
 * A token bucket per service credential (its organisation and name, so every credential of one
 * service shares it): a backend that loops, or one whose credential leaked, slows down alone instead
 * of filling the node's API queue for every other service, and cannot raise alerts faster than the
 * rate. Each node limits what it answers; a bucket unused for 10 minutes is forgotten (at most
 * 10,000 kept).
 *
 * <p>Threading: any thread (the buckets are thread-safe; the map is Caffeine's).
 */
final class ApiRateLimits {

    private final RequestRateLimiter limiter;
    private final Cache<String, RequestRateLimiter.Bucket> buckets;

    ApiRateLimits(int perSecond, int burst, Ticker ticker) {
        // No flood state for the API: a refused call costs the caller a 429, nothing closes.
        this.limiter = new RequestRateLimiter(perSecond, burst, Integer.MAX_VALUE, ticker);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterAccess(Duration.ofMinutes(10))
                .ticker(ticker)
                .build();
    }

    /** Whether {@code service} may make one more call now. */
    boolean allows(ServicePrincipal service) {
        RequestRateLimiter.Bucket bucket = buckets.get(service.org() + "\n" + service.name(), k -> limiter.bucket());
        return bucket.acquire() == RequestRateLimiter.Decision.ALLOWED;
    }
}
