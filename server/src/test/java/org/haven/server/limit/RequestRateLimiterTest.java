package org.haven.server.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.haven.server.limit.RequestRateLimiter.Decision;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The token bucket, driven by a controllable ticker: no sleeping. */
class RequestRateLimiterTest {

    private final MutableClock ticker = new MutableClock(Instant.EPOCH);
    private final RequestRateLimiter limiter = new RequestRateLimiter(10, 20, 5, ticker);

    @Test
    void allowsABurstThenLimits() {
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.acquire("c1")).isEqualTo(Decision.ALLOWED);
        }
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
    }

    @Test
    void refillsAtTheConfiguredRate() {
        for (int i = 0; i < 20; i++) {
            limiter.acquire("c1");
        }
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
        ticker.advance(Duration.ofMillis(100)); // one token at 10 per second
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
        ticker.advance(Duration.ofSeconds(10)); // refills to the burst, no further
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.acquire("c1")).isEqualTo(Decision.ALLOWED);
        }
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
    }

    @Test
    void sustainedRefusalsAreAFlood() {
        for (int i = 0; i < 20; i++) {
            limiter.acquire("c1");
        }
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
        }
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.FLOOD);
    }

    @Test
    void anAllowedRequestResetsTheFloodCount() {
        for (int i = 0; i < 24; i++) {
            limiter.acquire("c1");
        }
        ticker.advance(Duration.ofMillis(100));
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.ALLOWED);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.acquire("c1")).isEqualTo(Decision.LIMITED);
        }
    }

    @Test
    void keysAreIndependent() {
        for (int i = 0; i < 21; i++) {
            limiter.acquire("c1");
        }
        assertThat(limiter.acquire("c2")).isEqualTo(Decision.ALLOWED);
        limiter.forget("c1");
        assertThat(limiter.acquire("c1")).isEqualTo(Decision.ALLOWED);
    }
}
